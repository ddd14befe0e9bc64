from django.urls import path

from . import views

app_name = "places"
urlpatterns = [
    path("", views.district_list, name="districts"),
    path("districts/<str:code>/", views.district_detail, name="district"),
    path("communities/<slug:slug>/", views.community_detail, name="community"),
    path("organizations/", views.organization_list, name="organizations"),
    path("organizations/<slug:slug>/", views.organization_detail, name="organization"),
    path("organizations/<slug:slug>/edit/", views.organization_edit, name="organization_edit"),
]
