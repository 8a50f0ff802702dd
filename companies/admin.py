"""Operator admin for companies and users, and the company scoping every product admin uses."""
from __future__ import annotations

from axes.admin import AccessAttemptAdmin
from axes.models import AccessAttempt
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import FieldDoesNotExist
from django.db.models.constants import LOOKUP_SEP
from django.db.models import QuerySet
from django.http import HttpRequest

from companies.models import Company, User


class CompanyScopedAdmin(admin.ModelAdmin):
    """Operators (superusers) see every company's rows; a staff member of a company sees only its own."""

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(company=request.user.company) if request.user.company_id else queryset.none()

    def get_list_filter(self, request: HttpRequest) -> tuple:
        filters = tuple(super().get_list_filter(request))
        if request.user.is_superuser:
            return ("company", *filters)
        # A plain filter on a related field offers every row of the related table, other companies' too;
        # this one offers only the values the staff member's own rows refer to.
        return tuple((name, admin.RelatedOnlyFieldListFilter) if self._is_relation(name) else name for name in filters)

    def _is_relation(self, name: object) -> bool:
        if not isinstance(name, str) or LOOKUP_SEP in name:
            return False
        try:
            return self.model._meta.get_field(name).is_relation
        except FieldDoesNotExist:
            return False

    def formfield_for_foreignkey(self, db_field, request: HttpRequest, **kwargs):
        related_model = db_field.remote_field.model
        if request.user.is_superuser:
            pass
        elif related_model is Company:  # the company field itself: offering every company would list them all
            kwargs["queryset"] = Company.objects.filter(pk=request.user.company_id)
        elif any(field.name == "company" for field in related_model._meta.fields):
            kwargs["queryset"] = related_model._default_manager.filter(company=request.user.company)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class OperatorOnlyAdmin(admin.ModelAdmin):
    """Companies and users are managed by operators only, never by a company's own staff."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return request.user.is_superuser

    def has_view_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return request.user.is_superuser

    def has_add_permission(self, request: HttpRequest) -> bool:
        return request.user.is_superuser

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return request.user.is_superuser

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return request.user.is_superuser


@admin.register(Company)
class CompanyAdmin(OperatorOnlyAdmin):
    list_display = ("name", "account_number", "created_at")
    search_fields = ("name", "account_number")
    readonly_fields = ("created_at",)


@admin.register(User)
class CompanyUserAdmin(OperatorOnlyAdmin, UserAdmin):
    list_display = ("username", "email", "company", "is_staff", "is_active", "last_login")
    list_filter = ("company", "is_staff", "is_superuser", "is_active")
    search_fields = ("username", "email", "company__name", "company__account_number")
    fieldsets = (*UserAdmin.fieldsets, ("Company", {"fields": ("company",)}))


@admin.register(AccessAttempt)
class LoginAttemptAdmin(OperatorOnlyAdmin, AccessAttemptAdmin):
    """Failed log-ins by e-mail address and client address; deleting a locked-out row unlocks it.

    Operators only: the rows name the users of every company.
    """

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # only failed log-ins create rows
