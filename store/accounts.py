"""Accounts, roles and scopes: who may change which figures. Roles are data (data/catalog/roles.yaml).

An Actor is whoever acts: an account, the machine's operator on the command line (an admin), or an anonymous
visitor (a viewer). Every write of the store takes an actor and checks it here; the pages only hide what a
role may not do. Passwords are hashed with Argon2id (argon2-cffi) and never kept or logged in clear.
"""
from __future__ import annotations

import getpass
from dataclasses import dataclass
from functools import lru_cache

import yaml

from catalog import Catalog
from i18n import t
from labels import adcode_label, region_label
from settings import CATALOG_DIR
from store.errors import LoginRefused, PermissionRefused  # noqa: F401 - the errors of accounts, named here too

ROLES_FILE = CATALOG_DIR / "roles.yaml"
PROVINCE_UNIT = ""  # an account bound to the province (or to no unit) covers every region
VIEWER, REPORTER, REVIEWER, ADMIN = "viewer", "reporter", "reviewer", "admin"
NAME_MAX = 100  # account and display names: the uploads table's uploader column holds an account name
OPERATOR_PREFIX = "os:"  # the command line without --as acts as the operator, recorded as os:<user>


@dataclass(frozen=True)
class Role:
    code: str
    zh: str
    en: str
    scoped: bool  # bound to a unit: acts on that unit and the units below it
    permissions: frozenset[str]

    def label(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


@lru_cache(maxsize=1)
def load_roles() -> dict[str, Role]:
    """The roles table (data/catalog/roles.yaml), in its order."""
    raw = yaml.safe_load(ROLES_FILE.read_text(encoding="utf-8"))["roles"]
    return {code: Role(code, spec["zh"], spec["en"], bool(spec["scoped"]), frozenset(spec["permissions"]))
            for code, spec in raw.items()}


@dataclass(frozen=True)
class Actor:
    """Who acts: an account name ('' for an anonymous visitor), its role and unit (adcode; '' = the province)."""

    name: str
    display_name: str
    role: str
    unit: str = PROVINCE_UNIT

    def can(self, permission: str) -> bool:
        role = load_roles().get(self.role)
        return role is not None and permission in role.permissions

    @property
    def scoped(self) -> bool:
        """Whether the actor's rights stop at its unit (a reporter or reviewer bound to a city or county)."""
        role = load_roles().get(self.role)
        return bool(role and role.scoped and self.unit != PROVINCE_UNIT)

    def covers(self, catalog: Catalog, city: str, county: str) -> bool:
        """Whether a figure of (city, county) lies within the actor's unit ('' city = province level)."""
        if not self.scoped:
            return True
        region = catalog.regions.get(self.unit)
        if region is None:
            return False
        if region.level == "city":
            return city == region.name
        if region.level == "county":
            parent = catalog.city_of(region)
            return county == region.name and parent is not None and city == parent.name
        return True  # the province

    def unit_label(self, catalog: Catalog, lang: str) -> str:
        """The actor's unit as shown: 南京市, 南京市 · 高淳区, 江苏省 (the province)."""
        return adcode_label(catalog, self.unit, lang)

    def role_label(self, lang: str) -> str:
        role = load_roles().get(self.role)
        return role.label(lang) if role else self.role


ANONYMOUS = Actor("", "访客", VIEWER)
SYSTEM = Actor("system", "系统", ADMIN)  # the code itself (demo loading at first start, tests): never a person


def out_of_scope(actor: Actor, facts, catalog: Catalog):
    """The facts (sheet, row, city, county, one per row) whose region lies outside the actor's unit."""
    columns = ["sheet", "row", "city", "county"]
    frame = facts[columns].drop_duplicates()
    if not actor.scoped or frame.empty:
        return frame.iloc[0:0].reset_index(drop=True)
    pairs = frame[["city", "county"]].drop_duplicates()
    inside = {(c, k) for c, k in zip(pairs["city"], pairs["county"]) if actor.covers(catalog, str(c), str(k))}
    keep = [(str(c), str(k)) not in inside for c, k in zip(frame["city"], frame["county"])]
    return frame[keep].sort_values(["sheet", "row"]).reset_index(drop=True)


def operator() -> Actor:
    """The machine's operator on the command line (no --as): an admin, recorded with the OS user's name."""
    try:
        user = getpass.getuser()
    except (OSError, KeyError):  # no user name in the environment or the password database
        user = "unknown"
    return Actor(f"{OPERATOR_PREFIX}{user}"[:NAME_MAX], user, ADMIN)


def resolve_unit(catalog: Catalog, text: str | None) -> str:
    """A unit as typed (南京, 南京市, 320100, 高淳区, 江苏省, '') → its adcode ('' = the province).

    Raises ValueError naming the text when it names no region of the gazetteer, or several.
    """
    if text is None or not text.strip() or text.strip() in ("province", "全省"):
        return PROVINCE_UNIT
    key = text.strip()
    if key in catalog.regions:
        region = catalog.regions[key]
    else:
        from loaders.regions import resolve_region

        match = resolve_region(catalog, key)
        if match.error or match.unit:
            raise ValueError(key)
        if match.level == "province":
            return PROVINCE_UNIT
        region = catalog.county_by_name(match.city, match.county) if match.county else catalog.city_by_name(match.city)
        if region is None:
            raise ValueError(key)
    return PROVINCE_UNIT if region.level == "province" else region.adcode


SCOPE_ROWS_NAMED = 10  # rows named in a refusal; the count says how many more


def scope_message(outside, actor: Actor, catalog: Catalog) -> dict[str, tuple[str, str]]:
    """The values of store.act_outside_scope (after "may not"): the unit, then the rows and their regions."""
    def place(city: str, county: str, lang: str) -> str:
        return region_label(catalog, city, county, "", lang) if city else t("store.scope_province", lang)

    rows = list(outside.itertuples())
    more = len(rows) - SCOPE_ROWS_NAMED

    def named(lang: str) -> str:
        parts = [t("store.scope_row", lang, sheet=r.sheet, row=r.row, place=place(str(r.city), str(r.county), lang))
                 for r in rows[:SCOPE_ROWS_NAMED]]
        if more > 0:
            parts.append(t("store.scope_more", lang, more=more))
        return t("store.list_separator", lang).join(parts)

    return {"unit": (actor.unit_label(catalog, "zh"), actor.unit_label(catalog, "en")),
            "rows": (named("zh"), named("en"))}
