from django.urls import path  # noqa: F401

app_name = "owner_book"

urlpatterns: list = []
