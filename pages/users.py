"""Users (administrators): the accounts; add one with a role and unit; disable, enable, set a password or role."""
from __future__ import annotations

import streamlit as st

import cached
import display
import ui
from i18n import t
from labels import adcode_label
from store import StoreError
from store.accounts import load_roles

ctx = ui.start_page("page_users", demo_note_shown=False, permission="manage_users", filters=False)
lang, catalog = ctx.lang, ctx.catalog
store = cached.get_store()
actor, client = ui.current_actor(), ui.client_address()
roles = list(load_roles())
units = display.unit_options(catalog)


def role_text(code: str) -> str:
    return load_roles()[code].label(lang)


def unit_text(unit: str) -> str:
    return adcode_label(catalog, unit, lang)


def attempt(change, done_key: str, name: str) -> None:
    """Run a store change; its refusal is shown, its success after a rerun."""
    try:
        change()
    except StoreError as refused:
        ui.show_error(refused, lang)
    else:
        ui.after_rerun_message(ui.md(done_key, lang, name=name))
        st.rerun()


st.caption(t("users_intro", lang))
accounts = store.users()  # a few rows, read on every run
ui.table(display.users_frame(accounts, catalog, lang), "users_table", lang, t("file_users", lang))

with st.expander(t("user_add", lang), expanded=accounts.empty):
    with st.form("user_add_form", clear_on_submit=True):
        a, b = st.columns(2)
        name = a.text_input(t("user_name", lang), key="user_add_name", max_chars=100)
        display = b.text_input(t("user_display_name", lang), key="user_add_display", max_chars=100)
        role = a.selectbox(t("user_role", lang), roles, format_func=role_text, key="user_add_role",
                           index=roles.index("reporter"))
        unit = b.selectbox(t("user_unit", lang), units, format_func=unit_text, key="user_add_unit")
        password = a.text_input(t("user_password", lang), type="password", key="user_add_password", max_chars=200)
        email = b.text_input(t("remind.user_email", lang), key="user_add_email", max_chars=254,
                             help=t("remind.user_email_help", lang))
        if st.form_submit_button(t("user_add", lang), type="primary", icon=":material/person_add:", key="user_add_submit"):
            attempt(lambda: store.add_user(actor, name.strip(), display.strip() or name.strip(), role, unit, password,
                                           client=client, email=email), "user_added", name.strip())

if not accounts.empty:
    names = dict(zip(accounts["name"], accounts["display_name"]))
    chosen = st.selectbox(t("user_choose", lang), list(names), key="user_choice", format_func=lambda n: f"{n} · {names[n]}")
    account = accounts.set_index("name").loc[chosen]
    left, middle, right = st.columns(3, border=True)
    if account["active"]:
        if left.button(t("user_disable", lang), key="user_disable", icon=":material/person_off:"):
            attempt(lambda: store.set_active(actor, chosen, False, client=client), "user_disabled", chosen)
    elif left.button(t("user_enable", lang), key="user_enable", icon=":material/person:"):
        attempt(lambda: store.set_active(actor, chosen, True, client=client), "user_enabled", chosen)
    with middle.form("user_password_form", clear_on_submit=True, border=False):  # the password leaves the page
        new_password = st.text_input(t("user_new_password", lang), type="password", key="user_new_password",
                                     max_chars=200)
        if st.form_submit_button(t("user_set_password", lang), key="user_set_password", icon=":material/password:"):
            attempt(lambda: store.set_password(actor, chosen, new_password, client=client), "user_password_set", chosen)
    # keyed by account: choosing another account shows its own role and unit
    new_role = right.selectbox(t("user_role", lang), roles, format_func=role_text, key=f"user_new_role_{chosen}",
                               index=roles.index(account["role"]) if account["role"] in roles else 0)
    new_unit = right.selectbox(t("user_unit", lang), units, format_func=unit_text, key=f"user_new_unit_{chosen}",
                               index=units.index(account["unit"]) if account["unit"] in units else 0)
    if right.button(t("user_set_role", lang), key="user_set_role", icon=":material/badge:"):
        attempt(lambda: store.set_role(actor, chosen, new_role, new_unit, client=client), "user_role_set", chosen)
    with left.form("user_email_form", border=False):  # keyed by account: another account shows its own address
        new_email = st.text_input(t("remind.user_email", lang), value=account["email"] or "", max_chars=254,
                                  key=f"user_new_email_{chosen}", help=t("remind.user_email_help", lang))
        if st.form_submit_button(t("remind.user_set_email", lang), key="user_set_email", icon=":material/mail:"):
            attempt(lambda: store.set_email(actor, chosen, new_email, client=client), "remind.user_email_saved", chosen)
