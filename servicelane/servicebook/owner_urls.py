"""The car owner's signed link to the service book (no login)."""

from django.urls import path

from servicelane.servicebook import owner_views as views

app_name = "owner_book"

urlpatterns = [
    path("<str:token>/", views.book, name="book"),
    path("<str:token>/pdf/", views.pdf, name="pdf"),
]
