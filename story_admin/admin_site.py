"""The admin site, titled for authors."""

from django.contrib import admin


class StoryAdminSite(admin.AdminSite):
    site_header = "Story Studio admin"
    site_title = "Story Studio"
    index_title = "Your stories"
