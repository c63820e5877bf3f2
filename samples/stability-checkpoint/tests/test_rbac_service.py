"""RBAC: memberships and permission checks (week 4 regression tests)."""

from __future__ import annotations

import pytest

from app.models import OrganizationMember, User
from app.models.enums import MemberStatus
from app.services.rbac_service import PermissionDenied, RBACService


@pytest.fixture()
def rbac(session):
    return RBACService(session)


@pytest.fixture()
def bob(session):
    bob = User(email="bob@example.com", full_name="Bob")
    session.add(bob)
    session.commit()
    return bob


def test_owner_permissions(rbac, user, organization):
    assert rbac.has_permission(user.id, organization.id, "billing:write")
    assert not rbac.has_permission("nobody", organization.id, "org:read")


def test_invite_accept_and_list(rbac, user, bob, organization):
    member = rbac.invite_member(user.id, organization.id, bob.id, role="member")
    assert member.status == MemberStatus.INVITED.value
    assert not rbac.has_permission(bob.id, organization.id, "org:read")
    assert len(rbac.list_members(organization.id)) == 1
    assert len(rbac.list_members(organization.id, include_inactive=True)) == 2

    rbac.accept_invite(bob.id, organization.id)
    assert rbac.has_permission(bob.id, organization.id, "compliance:read")
    assert not rbac.has_permission(bob.id, organization.id, "members:manage")
    assert [o.slug for o in rbac.organizations_for_user(bob.id)] == ["acme"]

    with pytest.raises(ValueError):
        rbac.invite_member(user.id, organization.id, bob.id)


def test_member_cannot_invite(rbac, user, bob, organization, session):
    rbac.invite_member(user.id, organization.id, bob.id)
    rbac.accept_invite(bob.id, organization.id)
    with pytest.raises(PermissionDenied):
        rbac.invite_member(bob.id, organization.id, "someone-else")


def test_suspend_and_remove(rbac, user, bob, organization, session):
    member = rbac.invite_member(user.id, organization.id, bob.id, role="admin")
    rbac.accept_invite(bob.id, organization.id)

    rbac.suspend_member(user.id, member.id)
    assert member.status == "suspended"
    assert rbac.get_active_membership(bob.id, organization.id) is None

    rbac.remove_member(user.id, member.id)
    assert member.status == MemberStatus.REMOVED.value
    # A removed member can be invited again.
    again = rbac.invite_member(user.id, organization.id, bob.id, role="viewer")
    assert again.id == member.id and again.status == "invited"


def test_last_owner_is_protected(rbac, user, organization, session):
    owner = session.query(OrganizationMember).filter_by(user_id=user.id).one()
    with pytest.raises(ValueError):
        rbac.change_role(user.id, owner.id, "admin")
    with pytest.raises(ValueError):
        rbac.suspend_member(user.id, owner.id)


def test_inactive_organization_grants_nothing(rbac, user, organization, session):
    organization.is_active = False
    session.commit()
    assert not rbac.has_permission(user.id, organization.id, "org:read")
