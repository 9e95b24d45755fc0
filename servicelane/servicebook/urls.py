from django.urls import path

from servicelane.servicebook import views

app_name = "servicebook"

urlpatterns = [
    path("", views.search, name="search"),
    path("reviews/", views.reviews, name="reviews"),
    path("reviews/<int:review_id>/", views.review, name="review"),
    path("entries/<int:entry_id>/", views.entry, name="entry"),
    path("entries/<int:entry_id>/correct/", views.correct, name="correct"),
    path("entries/<int:entry_id>/dispute/", views.dispute, name="dispute"),
    path("entries/<int:entry_id>/retry-transfer/", views.retry_transfer, name="retry_transfer"),
    path("<str:vin>/", views.book, name="book"),
    path("<str:vin>/service/new/", views.new_service, name="new_service"),
    path("<str:vin>/repair/new/", views.new_repair, name="new_repair"),
    path("<str:vin>/pdf/", views.pdf, name="pdf"),
    path("<str:vin>/send/", views.send, name="send"),
]
