from django.urls import path

from servicelane.billing import views

app_name = "billing"

urlpatterns = [
    path("", views.invoice_list, name="list"),
    path("<int:pk>/", views.invoice_detail, name="detail"),
    path("<int:pk>/credit/", views.credit, name="credit"),
    path("<int:pk>/pay/", views.pay, name="pay"),
    path("<int:pk>/pdf/", views.pdf, name="pdf"),
    path("issue/<int:ro_pk>/", views.issue, name="issue"),
]
