"""The schema's enums: orderings, privacy, visibility, affiliations and pinnable item kinds."""

from __future__ import annotations

from enum import Enum

import strawberry

from graph.read import organizations, queries


@strawberry.enum(description="The direction of an ordering.")
class OrderDirection(Enum):
    ASC = "ASC"
    DESC = "DESC"


# strawberry.enum registers these in place; the names are the query layer's own enums.
strawberry.enum(queries.RepositoryOrderField, description="Fields repositories can be ordered by.")
strawberry.enum(queries.ContributorOrderField, description="Fields contributors can be ordered by.")
strawberry.enum(organizations.OrganizationOrderField, description="Fields organizations can be ordered by.")
RepositoryOrderField = queries.RepositoryOrderField
ContributorOrderField = queries.ContributorOrderField
OrganizationOrderField = organizations.OrganizationOrderField


@strawberry.enum(description="Fields languages can be ordered by.")
class LanguageOrderField(Enum):
    SIZE = "SIZE"


@strawberry.enum(description="Fields stargazers can be ordered by (accepted for compatibility).")
class StarOrderField(Enum):
    STARRED_AT = "STARRED_AT"


@strawberry.enum(description="Repository privacy; the cache holds public repositories only.")
class RepositoryPrivacy(Enum):
    PRIVATE = "PRIVATE"
    PUBLIC = "PUBLIC"


@strawberry.enum(description="How a user relates to a repository; only ownership adds repositories here.")
class RepositoryAffiliation(Enum):
    COLLABORATOR = "COLLABORATOR"
    ORGANIZATION_MEMBER = "ORGANIZATION_MEMBER"
    OWNER = "OWNER"


@strawberry.enum(description="Repository visibility; the cache holds public repositories only.")
class RepositoryVisibility(Enum):
    INTERNAL = "INTERNAL"
    PRIVATE = "PRIVATE"
    PUBLIC = "PUBLIC"


@strawberry.enum(description="Kinds of items that can be pinned; repositories are the ones the cache pins.")
class PinnableItemType(Enum):
    GIST = "GIST"
    ISSUE = "ISSUE"
    ORGANIZATION = "ORGANIZATION"
    PROJECT = "PROJECT"
    PULL_REQUEST = "PULL_REQUEST"
    REPOSITORY = "REPOSITORY"
    TEAM = "TEAM"
    USER = "USER"


@strawberry.enum(description="The kinds of contributions that put a repository among those a user contributed to.")
class RepositoryContributionType(Enum):
    COMMIT = "COMMIT"
    ISSUE = "ISSUE"
    PULL_REQUEST = "PULL_REQUEST"
    PULL_REQUEST_REVIEW = "PULL_REQUEST_REVIEW"
    REPOSITORY = "REPOSITORY"
