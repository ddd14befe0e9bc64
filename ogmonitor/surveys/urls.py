from django.urls import path

from . import views

app_name = "surveys"
urlpatterns = [
    path("", views.study_list, name="list"),
    path("<slug:slug>/", views.study_detail, name="study"),
]
