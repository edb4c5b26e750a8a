"""`{% load sync_health %}{% health_banner %}`: the open health problems on an admin page."""

from django import template

from sync.services.health_notify import front_page_problems

register = template.Library()


@register.inclusion_tag("admin/health_banner.html")
def health_banner():
    return {"health_problems": front_page_problems()}
