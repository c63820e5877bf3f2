/* SPDX-License-Identifier: MIT
 * rule_help.c - each rule's long explanation: what it detects, why it breaks at runtime,
 * an example, how to fix it. Printed by `alignrisk explain CODE` and carried as help text
 * in reports that embed rule metadata (SARIF). */
#include <strings.h>

#include "alignrisk/model.h"

static const struct { const char *code, *text; } docs[] = {
    {"AR101",
     "AR101 unknown-attribute-write (critical)\n\n"
     "What: a service assigns obj.f on an instance of a SQLAlchemy model that has no field f.\n\n"
     "Why it breaks: Python lets you set any attribute on an object, so nothing fails at the\n"
     "assignment. But f is not a mapped column: the value is never written to the database,\n"
     "and the next load of the row does not have it. Code that reads it later fails with\n"
     "AttributeError on rows loaded from the database.\n\n"
     "Example:\n"
     "    control = await session.get(ComplianceControl, control_id)\n"
     "    control.status = ControlStatus.EFFECTIVE      # ComplianceControl has no 'status'\n\n"
     "Fix, one of:\n"
     "  1. Add the column to the model (and a migration):\n"
     "         status = Column(SQLEnum(ControlStatus), default=ControlStatus.NOT_TESTED, nullable=False)\n"
     "  2. Use the field the model does have (the finding's suggestion):\n"
     "         control.implementation_status = \"effective\"\n"
     "  3. If the attribute is a deliberate transient flag, probe it with hasattr()/getattr(x, n, default)\n"
     "     or mark the line '# alignrisk: ignore[AR101]'.\n"},
    {"AR102",
     "AR102 unknown-attribute-read (critical)\n\n"
     "What: a service reads obj.f on an instance of a model that has no field f.\n\n"
     "Why it breaks: AttributeError: 'Model' object has no attribute 'f', at the first run of\n"
     "that line, which low coverage means may be in production.\n\n"
     "Example:\n"
     "    if control.status == ControlStatus.INEFFECTIVE:   # no 'status' on ComplianceControl\n\n"
     "Fix: add the column (with a migration), or read the field the model has (see the\n"
     "suggestion). A guarded read (hasattr, getattr with a default, except AttributeError) is\n"
     "not reported.\n"},
    {"AR103",
     "AR103 unknown-class-attribute (critical)\n\n"
     "What: Model.f used on the class itself (filters, order_by, select columns), and the model\n"
     "has no such field. Also reported for names only set on self in __init__: they exist on\n"
     "instances the constructor builds, never on the class.\n\n"
     "Why it breaks: AttributeError: type object 'Model' has no attribute 'f' when the query is\n"
     "built.\n\n"
     "Example:\n"
     "    session.query(OrganizationMember).filter(OrganizationMember.status == \"active\")\n\n"
     "Fix: add the column to the model, or query the column that exists.\n"},
    {"AR104",
     "AR104 unknown-constructor-kwarg (critical)\n\n"
     "What: Model(f=...) where the model's constructor does not accept f. SQLAlchemy's default\n"
     "constructor accepts only attributes of the class; a custom __init__ accepts its own\n"
     "parameters (and the mapped fields, when it forwards **kwargs to super().__init__).\n\n"
     "Why it breaks: TypeError: 'f' is an invalid keyword argument for Model.\n\n"
     "Example:\n"
     "    Invoice(subscription_id=s.id, amount_cents=100, state=\"open\")   # the column is 'status'\n\n"
     "Fix: pass the field's real name, or add the column.\n"},
    {"AR105",
     "AR105 unknown-filter-by-kwarg (critical)\n\n"
     "What: query(Model).filter_by(f=...) or select(Model).filter_by(f=...) where Model has no f.\n\n"
     "Why it breaks: sqlalchemy.exc.InvalidRequestError: Entity namespace for \"model\" has no\n"
     "property \"f\", when the query is built.\n\n"
     "Example:\n"
     "    session.query(Subscription).filter_by(stripe_id=event_id).first()   # column is stripe_subscription_id\n\n"
     "Fix: use the column's real name (see the suggestion).\n"},
    {"AR201",
     "AR201 unknown-enum-member (critical)\n\n"
     "What: E.M where the enum E defines no member (or attribute) M.\n\n"
     "Why it breaks: AttributeError: M, the moment the expression runs, often inside a status\n"
     "assignment that no test reaches.\n\n"
     "Example:\n"
     "    control.status = ControlStatus.COMPLIANT   # ControlStatus has EFFECTIVE, INEFFECTIVE, ...\n\n"
     "Fix, one of:\n"
     "  1. Add the member to the enum (and to any database enum type, with a migration).\n"
     "  2. Use the member the enum has (EFFECTIVE for COMPLIANT, INEFFECTIVE for NON_COMPLIANT).\n"},
};

const char *ar_rule_help(const char *code)
{
  for (size_t i = 0; i < sizeof docs / sizeof *docs; i++)
    if (strcasecmp(code, docs[i].code) == 0) return docs[i].text;
  return NULL;
}
