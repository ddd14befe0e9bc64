"""How authorities answer: the comparison page and its downloads (namespace ``engagement``)."""

from django.urls import path

from . import views_responsiveness as views

urlpatterns = [
    path("responsiveness/", views.responsiveness, name="responsiveness"),
    path("responsiveness/export.<str:fmt>", views.responsiveness_export, name="responsiveness_export"),
]
