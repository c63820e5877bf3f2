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
    {"AR202",
     "AR202 enum-type-mismatch (high)\n"
     "\n"
     "What: a member of one enum is stored in or compared with a column typed Enum of another.\n"
     "\n"
     "Why it breaks: the column's database enum type knows only its own enum's\n"
     "values, so storing a member of another enum fails at flush; comparing the column with\n"
     "one is never true, so the branch it guards is dead.\n"
     "\n"
     "Example:\n"
     "    control.status = TaskStatus.DONE   # the column is Enum(ControlStatus)\n"
     "\n"
     "Fix, one of:\n"
     "  1. Use a member of the column's enum (the finding's suggestion, when one matches).\n"
     "  2. Change the column's type to the enum the code means (with a migration).\n"
     "When every value of the one enum is also a value of the other (an alias), the finding\n"
     "is low.\n"},
    {"AR203",
     "AR203 value-not-in-enum (medium)\n"
     "\n"
     "What: a string stored in or compared with an enum column (or a String column whose default is an enum value) is none of its values.\n"
     "\n"
     "Why it breaks: a value that is none of the enum's values is refused by the\n"
     "database enum type, or stored as bad data in a String column; compared with the column\n"
     "it is never equal, so the branch it guards is dead.\n"
     "\n"
     "Example:\n"
     "    control.status = \"complete\"   # Enum(ControlStatus) has 'effective', 'ineffective', ...\n"
     "\n"
     "Fix, one of:\n"
     "  1. Use the enum member instead of a string literal (the finding's suggestion).\n"
     "  2. Add the value to the enum (and to the database enum type, with a migration).\n"},
    {"AR204",
     "AR204 value-too-long (medium)\n"
     "\n"
     "What: a string literal longer than the column's String(N) is stored in it.\n"
     "\n"
     "Why it breaks: the database truncates the value or refuses it (PostgreSQL:\n"
     "value too long for type character varying(N)), at flush time, often far from the line\n"
     "that set it.\n"
     "\n"
     "Example:\n"
     "    user.country = \"Deutschland\"   # country = Column(String(2))\n"
     "\n"
     "Fix, one of:\n"
     "  1. Store a value that fits (here the ISO code \"DE\").\n"
     "  2. Widen the column (with a migration).\n"},
    {"AR205",
     "AR205 null-to-non-nullable (medium)\n"
     "\n"
     "What: None is stored in a nullable=False column.\n"
     "\n"
     "Why it breaks: the INSERT or UPDATE violates the NOT NULL constraint:\n"
     "IntegrityError at flush, which rolls back the whole transaction.\n"
     "\n"
     "Example:\n"
     "    invoice.customer_id = None   # customer_id = Column(Integer, nullable=False)\n"
     "\n"
     "Fix, one of:\n"
     "  1. Store a value, or do not touch the attribute on that path.\n"
     "  2. Make the column nullable (with a migration) if None is a real state.\n"},
};

const char *ar_rule_help(const char *code)
{
  for (size_t i = 0; i < sizeof docs / sizeof *docs; i++)
    if (strcasecmp(code, docs[i].code) == 0) return docs[i].text;
  return NULL;
}
