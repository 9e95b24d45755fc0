from django.urls import path

from servicelane.supply import views

app_name = "supply"

urlpatterns = [
    path("", views.order_list, name="orders"),
    path("new/", views.order_new, name="new"),
    path("new/preview/", views.order_preview, name="preview"),
    path("<str:order_number>/", views.order_detail, name="detail"),
    path("<str:order_number>/cancel/", views.order_cancel, name="cancel"),
    path("<str:order_number>/receive/", views.order_receive, name="receive"),
]
