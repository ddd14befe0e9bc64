"""Proposal pages, in the ``engagement`` namespace (see :mod:`.urls`)."""

from django.urls import path

from ogmonitor.lib.ratelimits import limit_proposals

from . import views_proposals as views

urlpatterns = [
    path("proposals/", views.proposal_list, name="proposals"),
    path("proposals/new/", limit_proposals(views.proposal_add), name="proposal_add"),
    path("proposals/bulk/", views.proposals_bulk, name="proposals_bulk"),
    path("proposals/<int:number>/", views.proposal_detail, name="proposal"),
    path("proposals/<int:number>/edit/", views.proposal_edit, name="proposal_edit"),
    path("proposals/<int:number>/steps/<slug:status>/", views.proposal_step, name="proposal_step"),
    path("proposals/to/<slug:slug>/letter.docx", views.proposals_letter, name="proposals_letter"),
    path("proposals/to/<slug:slug>/proposals.xlsx", views.proposals_xlsx, name="proposals_xlsx"),
]
