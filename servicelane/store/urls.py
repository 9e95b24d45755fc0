from django.urls import path

from servicelane.store import views

app_name = "store"

urlpatterns = [
    path("", views.stock_list, name="list"),
    path("counts/", views.count_list, name="counts"),
    path("counts/new/", views.count_new, name="count_new"),
    path("counts/<int:count_id>/", views.count_detail, name="count_detail"),
    path("reorder/", views.reorder, name="reorder"),
    path("<str:number>/", views.item, name="item"),
]
