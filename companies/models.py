"""Companies (the merchant accounts, numbered SOA + 6 digits) and their users."""
from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.core.validators import RegexValidator
from django.db import models

ACCOUNT_NUMBER_PATTERN = r"^SOA\d{6}$"


class Company(models.Model):
    """A merchant account; every cart, item, customer and transaction belongs to one."""

    name = models.CharField(max_length=200)
    account_number = models.CharField(
        max_length=9,
        unique=True,
        validators=[RegexValidator(ACCOUNT_NUMBER_PATTERN, "An account number is SOA followed by 6 digits.")],
        help_text="Quoted to support, e.g. SOA123456.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "companies"

    def __str__(self) -> str:
        return f"{self.name} ({self.account_number})"


class User(AbstractUser):
    """A person who signs in; merchants belong to a company, operators (superusers) may not."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, null=True, blank=True, related_name="users")


class CompanyOwnedQuerySet(models.QuerySet):
    """The one place where rows are narrowed to what a company may see."""

    def for_company(self, company: Company) -> CompanyOwnedQuerySet:
        return self.filter(company=company)


class CompanyOwned(models.Model):
    """Base for every model a merchant owns: carries the company and the scoped manager."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="+")

    objects = CompanyOwnedQuerySet.as_manager()

    class Meta:
        abstract = True


class CompanyRecord(CompanyOwned):
    """A merchant's record that notes when it was created and last changed."""

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True
