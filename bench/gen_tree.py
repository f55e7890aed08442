#!/usr/bin/env python3
"""Deterministic generator of realistic Backstage catalog trees for the benchmark.

Layout of a generated tree (OUT):

    OUT/services/<domain>/<service>/catalog-info.yaml   Component, sometimes API and/or Resource
    OUT/org/domains/<domain>.yaml                        Domain
    OUT/org/systems/<system>.yaml                        System
    OUT/org/groups/<team>.yaml                           Group followed by its Users (multi-doc)
    OUT/org/templates/<template>/template.yaml           Template (scaffolder.backstage.io/v1beta3)
    OUT/MANIFEST.json                                    parameters, counts and every planted fault

plus the YAML files without entities that real repositories hold (OTHER_RATES): per service
directory mkdocs.yml, deploy/k8s*, .github/workflows/*.yml, .gitlab-ci.yml, api/openapi.yaml,
docker-compose.yml, chart/** (Helm), and a few at the root. catalog-lint must sniff and skip them.

Exactly --files entity YAML files are written (MANIFEST.json "other_files" counts the rest). The same --files/--seed/--fault-rate always produce
byte-identical trees (Python's random.Random with a fixed seed; no time or hash ordering).

A fraction --fault-rate of the files gets one planted fault, cycling through every category in
FAULTS so that each one is represented (see MANIFEST.json "faults" for file -> category).

Standard library only.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import subprocess
import sys
from pathlib import Path

GENERATOR_VERSION = 5  # bump when the output changes, so cached trees are regenerated

# Every fault category, in the order they are cycled through. Each maps to what a linter (and
# Backstage) should report.
FAULTS = [
    "yaml-syntax-error",  # an unclosed flow sequence
    "duplicate-key",  # spec.lifecycle given twice
    "unquoted-number-name",  # metadata.name: 20231 (an int, not a string)
    "bad-tag",  # a tag with upper case and an underscore
    "missing-owner",  # spec.owner removed from a Component
    "bad-entity-ref",  # dependsOn entry without a kind
    "unknown-kind",  # kind: Service
    "duplicate-entity",  # the same Component name as another service
    "tab-indentation",  # a line indented with a tab
    "bad-annotation",  # an annotation key with two slashes
    "bad-link",  # a link whose url is not a URL
    "bad-label",  # a label value with spaces
    "unknown-root-field",  # a root field next to metadata and spec
    "bad-api-version",  # apiVersion: backstage.io/v2
    "non-mapping-document",  # a document that is a sequence
    # Platform-ownership policy faults (reported with bench/policy.yaml; see policy_target):
    "no-cost-center",  # platform/cost-center removed (missing-cost-center)
    "escalation-to-self",  # platform/escalation-level-2 names the owner (wrong-escalation-level)
    "no-golden-path",  # a service without golden-path tag or escape hatch (missing-golden-path)
    "unknown-owner",  # spec.owner names no Group or User (unknown-owner)
]

WORDS = (
    "account billing cart catalog checkout customer delivery discount fraud fulfilment gateway "
    "identity inventory invoice ledger loyalty media notification order payment pricing profile "
    "quote rating recommendation refund report review search session shipping stock subscription "
    "tax ticket tracking user voucher warehouse wallet"
).split()
SUFFIXES = ["service", "api", "worker", "processor", "web", "backend", "sync", "adapter", "bff"]
DOMAINS = [
    "commerce",
    "finance",
    "logistics",
    "identity",
    "growth",
    "platform",
    "data",
    "support",
    "marketing",
    "risk",
]
LANGS = ["java", "kotlin", "go", "python", "typescript", "rust", "csharp", "scala"]
TYPES = ["service", "service", "service", "website", "library", "worker"]
LIFECYCLES = ["production", "production", "production", "experimental", "deprecated"]
TIERS = ["1", "2", "3"]
RESOURCE_TYPES = ["database", "s3-bucket", "kafka-topic", "redis", "queue"]
API_TYPES = ["openapi", "openapi", "asyncapi", "grpc", "graphql"]
FIRST = (
    "ada alan barbara brian carla dennis edsger frances grace guido hedy ivan james katherine "
    "ken linus margaret niklaus olga peter radia richard sophie tim ursula vint xavier yukihiro"
).split()
LAST = (
    "lovelace turing liskov kernighan ritchie dijkstra allen hopper rossum lamarr sutherland "
    "gosling johnson thompson torvalds hamilton wirth perlman stallman wilson berners lee "
    "cerf leroy matsumoto"
).split()
# The platform's groups, as bench/policy.yaml names them (platform_team, architecture_committee).
PLATFORM_TEAM = "team-platform-oncall"
ARCHITECTURE_COMMITTEE = "team-platform-architecture"
PLATFORM_DEVEX = "team-platform-devex"
SENTENCE = (
    "handles requests from the storefront and publishes events for downstream consumers "
    "owns the source of truth for its records and exposes a versioned REST interface "
    "runs nightly reconciliation jobs against the partner feeds and raises alerts on drift"
).split()


# --------------------------------------------------------------------------- YAML emitter

_PLAIN_OK = re.compile(r"^[A-Za-z_/.][A-Za-z0-9 _./:@()+,-]*$")
_RESERVED = {"true", "false", "yes", "no", "on", "off", "null", "~", "y", "n"}


class Raw(str):
    """A scalar emitted exactly as given (used to plant an unquoted number)."""


def scalar(value) -> str:
    """Renders one scalar as YAML: plain when unambiguous, else double-quoted (JSON escapes)."""
    if isinstance(value, Raw):
        return str(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    s = str(value)
    if (
        s
        and _PLAIN_OK.match(s)
        and s.lower() not in _RESERVED
        and ": " not in s
        and " #" not in s
        and not s.endswith(":")
        and not s.endswith(" ")
    ):
        return s
    return json.dumps(s, ensure_ascii=False)


def emit(value, indent: int = 0, out: list[str] | None = None) -> list[str]:
    """Renders dicts/lists/scalars as block YAML lines; multi-line strings become `|` blocks."""
    out = [] if out is None else out
    pad = " " * indent
    if isinstance(value, dict):
        for k, v in value.items():
            key = scalar(k)
            if isinstance(v, str) and "\n" in v:
                out.append(f"{pad}{key}: |")
                out.extend(f"{pad}  {line}" if line else "" for line in v.rstrip("\n").split("\n"))
            elif isinstance(v, dict) and v:
                out.append(f"{pad}{key}:")
                emit(v, indent + 2, out)
            elif isinstance(v, list) and v:
                out.append(f"{pad}{key}:")
                emit(v, indent + 2, out)
            elif isinstance(v, (dict, list)):
                out.append(f"{pad}{key}: {'{}' if isinstance(v, dict) else '[]'}")
            else:
                out.append(f"{pad}{key}: {scalar(v)}")
    elif isinstance(value, list):
        for item in value:
            if isinstance(item, dict) and item:
                sub = emit(item, indent + 2, [])
                out.append(f"{pad}- {sub[0].lstrip()}")
                out.extend(sub[1:])
            elif isinstance(item, list) and item:
                out.append(f"{pad}-")
                emit(item, indent + 2, out)
            else:
                out.append(f"{pad}- {scalar(item)}")
    else:
        out.append(f"{pad}{scalar(value)}")
    return out


def render(docs: list) -> str:
    """Renders a list of documents as one multi-document YAML file."""
    parts = []
    for i, d in enumerate(docs):
        body = "\n".join(emit(d)) + "\n"
        parts.append(body if i == 0 else "---\n" + body)
    return "".join(parts)


# --------------------------------------------------------------------------- entities


class Org:
    """The organisation: domains, systems, teams, users and templates, all by name."""

    def __init__(self, rng: random.Random, n_domains, n_systems, n_groups, n_templates, users_per_group):
        self.domains = [f"{DOMAINS[i % len(DOMAINS)]}{'' if i < len(DOMAINS) else i}" for i in range(n_domains)]
        self.systems = []
        for i in range(n_systems):
            dom = self.domains[i % n_domains]
            self.systems.append((f"{dom}-{rng.choice(WORDS)}-{i}", dom))
        self.groups = []
        for i in range(n_groups):
            dom = self.domains[i % n_domains]
            self.groups.append((f"team-{dom}-{rng.choice(WORDS)}-{i}", dom))
        self.n_templates = n_templates
        self.users = {}
        for gi, (g, _) in enumerate(self.groups):
            self.users[g] = [
                f"{rng.choice(FIRST)}.{rng.choice(LAST)}{gi * users_per_group + j}"
                for j in range(users_per_group)
            ]


def words(rng: random.Random, n: int) -> str:
    """A pseudo-sentence of n words."""
    start = rng.randrange(len(SENTENCE))
    return " ".join(SENTENCE[(start + i) % len(SENTENCE)] for i in range(n)).capitalize() + "."


def openapi_definition(rng: random.Random, name: str) -> str:
    """A realistic inline OpenAPI document (a literal block scalar in the API entity)."""
    res = rng.choice(WORDS)
    lines = [
        "openapi: 3.0.3",
        "info:",
        f"  title: {name}",
        f"  version: 1.{rng.randrange(20)}.0",
        "paths:",
    ]
    for p in range(rng.randint(2, 5)):
        lines += [
            f"  /{res}s/{{id}}/v{p}:",
            "    get:",
            f"      operationId: get{res.capitalize()}{p}",
            "      parameters:",
            "        - name: id",
            "          in: path",
            "          required: true",
            "          schema: {type: string}",
            "      responses:",
            "        '200':",
            "          description: OK",
        ]
    return "\n".join(lines) + "\n"


def component_docs(rng: random.Random, org: Org, name: str, idx: int, all_names: list[str]):
    """The documents of one service's catalog-info.yaml: a Component, maybe an API and a Resource."""
    system, domain = org.systems[idx % len(org.systems)]
    team = rng.choice([g for g, d in org.groups if d == domain] or [org.groups[0][0]])
    lang = rng.choice(LANGS)
    slug = f"acme/{name}"
    cost_center = f"cc-{rng.randrange(100, 999)}"
    annotations = {
        "github.com/project-slug": slug,
        "backstage.io/techdocs-ref": "dir:.",
        "backstage.io/source-location": f"url:https://github.com/{slug}/tree/main/",
        "pagerduty.com/service-id": "P" + "".join(rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZ0123456789") for _ in range(6)),
        "platform/escalation-level-1": f"group:default/{team}",
        "platform/escalation-level-2": f"group:default/{PLATFORM_TEAM}",
        "platform/escalation-level-3": f"group:default/{ARCHITECTURE_COMMITTEE}",
        "platform/cost-center": cost_center,
        "backstage.io/kubernetes-id": name,
    }
    if rng.random() < 0.5:
        annotations["sonarqube.org/project-key"] = f"acme_{name}"
    if rng.random() < 0.4:
        annotations["argocd/app-name"] = f"{name}-prod"
    # The platform-ownership policy (bench/policy.yaml): every service and website follows a
    # golden path (a tag naming one of the org's Templates); deprecated ones carry a sunset date.
    tags = sorted({lang, rng.choice(["rest", "grpc", "events", "batch"]), rng.choice(["pci", "gdpr", "internal", "public"])})
    tags.append(f"golden-path:{template_name(rng.randrange(org.n_templates))}")
    lifecycle = rng.choice(LIFECYCLES)
    if lifecycle == "deprecated":
        annotations["platform/sunset-date"] = "2027-06-30"
    comp = {
        "apiVersion": "backstage.io/v1alpha1",
        "kind": "Component",
        "metadata": {
            "name": name,
            "title": name.replace("-", " ").title(),
            "description": words(rng, rng.randint(6, 14)),
            "annotations": annotations,
            "labels": {"tier": rng.choice(TIERS), "cost-center": cost_center},
            "tags": tags,
            "links": [
                {"url": f"https://grafana.acme.example/d/{name}", "title": "Dashboard", "icon": "dashboard"},
                {"url": f"https://runbooks.acme.example/{name}", "title": "Runbook", "icon": "docs"},
            ],
        },
        "spec": {
            "type": rng.choice(TYPES),
            "lifecycle": lifecycle,
            "owner": f"group:default/{team}",
            "system": system,
        },
    }
    deps = []
    for _ in range(rng.randint(0, 3)):
        deps.append(f"component:default/{rng.choice(all_names)}")
    docs = [comp]
    has_api = rng.random() < 0.35
    has_res = rng.random() < 0.25
    if has_api:
        comp["spec"]["providesApis"] = [f"{name}-api"]
    if rng.random() < 0.5:
        comp["spec"]["consumesApis"] = [f"api:default/{rng.choice(all_names)}-api"]
    if has_res:
        deps.append(f"resource:default/{name}-db")
    if deps:
        comp["spec"]["dependsOn"] = deps
    if has_api:
        api_type = rng.choice(API_TYPES)
        docs.append(
            {
                "apiVersion": "backstage.io/v1alpha1",
                "kind": "API",
                "metadata": {
                    "name": f"{name}-api",
                    "description": f"Public interface of {name}.",
                    "annotations": {"github.com/project-slug": slug}
                    | ({"platform/sunset-date": "2027-06-30"} if lifecycle == "deprecated" else {}),
                    "tags": [api_type, "v1"],
                },
                "spec": {
                    "type": api_type,
                    "lifecycle": comp["spec"]["lifecycle"],
                    "owner": f"group:default/{team}",
                    "system": system,
                    "definition": openapi_definition(rng, f"{name}-api"),
                },
            }
        )
    if has_res:
        res_type = rng.choice(RESOURCE_TYPES)
        res_annotations = {"platform/cost-center": cost_center}
        if res_type == "database":
            res_annotations["platform/data-classification"] = rng.choice(["internal", "confidential", "restricted"])
        docs.append(
            {
                "apiVersion": "backstage.io/v1alpha1",
                "kind": "Resource",
                "metadata": {
                    "name": f"{name}-db",
                    "description": f"Primary store of {name}.",
                    "annotations": res_annotations,
                    "labels": {"tier": comp["metadata"]["labels"]["tier"]},
                },
                "spec": {
                    "type": res_type,
                    "owner": f"group:default/{team}",
                    "system": system,
                },
            }
        )
    return docs


def platform_group_docs() -> list:
    """The platform's own Groups (owners named by Domains, Templates and escalation levels 2/3)."""
    return [
        {
            "apiVersion": "backstage.io/v1alpha1",
            "kind": "Group",
            "metadata": {"name": g, "description": f"The {g.split('-', 2)[2]} group of the platform team."},
            "spec": {
                "type": "team",
                "profile": {"email": f"{g}@acme.example"},
                "parent": "group:default/dept-platform",
                "children": [],
            },
        }
        for g in (PLATFORM_TEAM, ARCHITECTURE_COMMITTEE, PLATFORM_DEVEX)
    ]


def group_docs(rng: random.Random, org: Org, gi: int):
    """A Group followed by its Users (the first group file also holds the platform's Groups)."""
    name, domain = org.groups[gi]
    members = org.users[name]
    group = {
        "apiVersion": "backstage.io/v1alpha1",
        "kind": "Group",
        "metadata": {
            "name": name,
            "description": f"The {name.split('-')[2]} team of the {domain} domain.",
            "annotations": {
                "github.com/team-slug": f"acme/{name}",
                "pagerduty.com/service-id": "P" + "".join(rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZ0123456789") for _ in range(6)),
            },
        },
        "spec": {
            "type": "team",
            "profile": {"displayName": name.replace("-", " ").title(), "email": f"{name}@acme.example"},
            "parent": f"group:default/dept-{domain}",
            "children": [],
            "members": members,
        },
    }
    docs = [group]
    for u in members:
        first, rest = u.split(".", 1)
        docs.append(
            {
                "apiVersion": "backstage.io/v1alpha1",
                "kind": "User",
                "metadata": {"name": u, "annotations": {"github.com/user-login": u.replace(".", "-")}},
                "spec": {
                    "profile": {"displayName": f"{first.title()} {rest.rstrip('0123456789').title()}", "email": f"{u}@acme.example"},
                    "memberOf": [name],
                },
            }
        )
    if gi == 0:
        docs += platform_group_docs()
    return docs


def system_docs(rng: random.Random, org: Org, si: int):
    """One System."""
    name, domain = org.systems[si]
    owner = rng.choice([g for g, d in org.groups if d == domain] or [org.groups[0][0]])
    return [
        {
            "apiVersion": "backstage.io/v1alpha1",
            "kind": "System",
            "metadata": {"name": name, "description": words(rng, 8), "tags": [domain]},
            "spec": {"owner": f"group:default/{owner}", "domain": domain},
        }
    ]


def domain_docs(rng: random.Random, org: Org, di: int):
    """One Domain."""
    name = org.domains[di]
    return [
        {
            "apiVersion": "backstage.io/v1alpha1",
            "kind": "Domain",
            "metadata": {"name": name, "description": f"Everything about {name}.", "links": [{"url": f"https://wiki.acme.example/{name}", "title": "Wiki"}]},
            "spec": {"owner": f"group:default/{ARCHITECTURE_COMMITTEE}"},
        }
    ]


def template_name(ti: int) -> str:
    """The name of Template number ti (golden-path tags name it)."""
    return f"{LANGS[ti % len(LANGS)]}-service-template-{ti}"


def template_docs(rng: random.Random, org: Org, ti: int):
    """One scaffolder Template (scaffolder.backstage.io/v1beta3)."""
    lang = LANGS[ti % len(LANGS)]
    name = template_name(ti)
    return [
        {
            "apiVersion": "scaffolder.backstage.io/v1beta3",
            "kind": "Template",
            "metadata": {
                "name": name,
                "title": f"{lang.title()} service (golden path)",
                "description": f"Creates a production-ready {lang} service with CI, docs and on-call.",
                "tags": ["golden-path", "recommended", lang],
                "annotations": {"platform/golden-path": f"{lang}-service"},
            },
            "spec": {
                "owner": f"group:default/{PLATFORM_DEVEX}",
                "type": "service",
                "parameters": [
                    {
                        "title": "Service details",
                        "required": ["name", "owner"],
                        "properties": {
                            "name": {"title": "Name", "type": "string", "pattern": "^[a-z0-9-]+$"},
                            "owner": {"title": "Owner", "type": "string", "ui:field": "OwnerPicker", "ui:options": {"catalogFilter": {"kind": "Group"}}},
                        },
                    },
                    {
                        "title": "Repository",
                        "required": ["repoUrl"],
                        "properties": {"repoUrl": {"title": "Repository location", "type": "string", "ui:field": "RepoUrlPicker", "ui:options": {"allowedHosts": ["github.com"]}}},
                    },
                ],
                "steps": [
                    {"id": "fetch", "name": "Fetch skeleton", "action": "fetch:template", "input": {"url": "./skeleton", "values": {"name": "${{ parameters.name }}", "owner": "${{ parameters.owner }}"}}},
                    {"id": "publish", "name": "Publish", "action": "publish:github", "input": {"repoUrl": "${{ parameters.repoUrl }}", "defaultBranch": "main"}},
                    {"id": "register", "name": "Register", "action": "catalog:register", "input": {"repoContentsUrl": "${{ steps.publish.output.repoContentsUrl }}", "catalogInfoPath": "/catalog-info.yaml"}},
                ],
                "output": {"links": [{"title": "Repository", "url": "${{ steps.publish.output.remoteUrl }}"}]},
            },
        }
    ]


# --------------------------------------------------------------------------- faults


def policy_target(docs: list) -> dict:
    """The Component a policy fault is planted in: the file's own, or one appended to it (a
    policy-conformant internal tool of the platform team) when the file holds none."""
    if docs[0].get("kind") == "Component":
        return docs[0]
    name = f"{docs[0]['metadata']['name']}-tool"
    docs.append(
        {
            "apiVersion": "backstage.io/v1alpha1",
            "kind": "Component",
            "metadata": {
                "name": name,
                "annotations": {
                    "platform/escalation-level-1": f"group:default/{PLATFORM_DEVEX}",
                    "platform/escalation-level-2": f"group:default/{PLATFORM_TEAM}",
                    "platform/escalation-level-3": f"group:default/{ARCHITECTURE_COMMITTEE}",
                    "platform/cost-center": "cc-100",
                },
                "tags": ["internal", f"golden-path:{template_name(0)}"],
            },
            "spec": {"type": "service", "lifecycle": "production", "owner": f"group:default/{PLATFORM_DEVEX}"},
        }
    )
    return docs[-1]


def plant_structural(fault: str, docs: list, dup_name: str | None) -> bool:
    """Applies a fault that is easiest on the data; returns False when it must be textual."""
    d = docs[0]
    meta, spec = d["metadata"], d.setdefault("spec", {})
    if fault == "unquoted-number-name":
        meta["name"] = Raw(str(20000 + len(meta["name"]) * 7))
    elif fault == "bad-tag":
        meta["tags"] = list(meta.get("tags", [])) + ["Needs_Review!"]
    elif fault == "missing-owner":
        if "owner" in spec:
            del spec["owner"]
        else:
            d["kind"] = "Component"  # a Component without owner
            spec.clear()
            spec.update({"type": "service", "lifecycle": "production"})
    elif fault == "bad-entity-ref":
        if d["kind"] == "Component":
            spec["dependsOn"] = list(spec.get("dependsOn", [])) + [":default/payment-service"]
        else:
            spec["owner"] = "group:"
    elif fault == "unknown-kind":
        d["kind"] = "Service"
    elif fault == "duplicate-entity":
        if dup_name is not None:
            meta["name"] = dup_name
            if d["kind"] != "Component":
                return False
        else:
            return False
    elif fault == "bad-annotation":
        meta.setdefault("annotations", {})["acme.example/team/slack"] = "#oncall"
    elif fault == "bad-link":
        meta["links"] = list(meta.get("links", [])) + [{"url": "grafana dashboard", "title": "Metrics"}]
    elif fault == "bad-label":
        meta.setdefault("labels", {})["cost-center"] = "shared by finance"
    elif fault == "unknown-root-field":
        d["status"] = {"healthy": True}
    elif fault == "bad-api-version":
        d["apiVersion"] = "backstage.io/v2"
    elif fault == "non-mapping-document":
        docs.append(["just", "a", "list"])
    elif fault == "no-cost-center":
        del policy_target(docs)["metadata"]["annotations"]["platform/cost-center"]
    elif fault == "escalation-to-self":
        c = policy_target(docs)
        c["metadata"]["annotations"]["platform/escalation-level-2"] = c["spec"]["owner"]
    elif fault == "no-golden-path":
        c = policy_target(docs)
        c["spec"]["type"] = "service"
        c["metadata"]["tags"] = [t for t in c["metadata"]["tags"] if not t.startswith("golden-path:")]
    elif fault == "unknown-owner":
        policy_target(docs)["spec"]["owner"] = "group:default/team-that-left"
    else:
        return False
    return True


def plant_textual(fault: str, text: str) -> str:
    """Applies a fault that only exists in the bytes (syntax, duplicate key, tabs)."""
    lines = text.split("\n")
    if fault == "yaml-syntax-error":
        for i, l in enumerate(lines):
            if l.startswith("  name: "):
                lines.insert(i + 1, "  tags: [broken, list")
                break
    elif fault == "duplicate-key":
        for i, l in enumerate(lines):
            if re.match(r"^  (lifecycle|type|owner): ", l):
                lines.insert(i + 1, l)
                break
    elif fault == "tab-indentation":
        for i, l in enumerate(lines):
            if l.startswith("  name: "):
                lines[i] = "\t" + l[2:]
                break
    elif fault == "duplicate-entity":
        pass
    return "\n".join(lines)


# --------------------------------------------------------------------------- other YAML files
#
# What a real repository holds next to its catalog files, which catalog-lint's discovery must
# sniff and skip (issue 12): TechDocs' mkdocs.yml, Kubernetes manifests (labelled with
# backstage.io/kubernetes-id, which is not an apiVersion), GitHub Actions and GitLab CI, OpenAPI
# files (a few larger than the 64 KiB the sniff reads), docker-compose, Helm charts (Chart.yaml
# says `apiVersion: v2`; templates/ holds Go templates that are not valid YAML). None declares a
# Backstage apiVersion, so none is linted. Per service directory, with these probabilities:
OTHER_RATES = {
    "mkdocs": 0.5,  # mkdocs.yml (the Components say backstage.io/techdocs-ref: dir:.)
    "kubernetes": 0.25,  # deploy/k8s/*.yaml (2-4 files) or one multi-document deploy/k8s.yaml
    "github-actions": 0.25,  # .github/workflows/ci.yml (+ release.yml)
    "gitlab-ci": 0.05,  # .gitlab-ci.yml
    "openapi": 0.15,  # api/openapi.yaml, 3-40 paths (5% of them 250: ~90 KB)
    "docker-compose": 0.1,  # docker-compose.yml
    "helm": 0.08,  # chart/Chart.yaml, values.yaml (+ values-prod.yaml), templates/*.yaml
}


def mkdocs_yml(rng: random.Random, name: str) -> str:
    """A TechDocs mkdocs.yml."""
    nav = ["Home: index.md", "Architecture: architecture.md", "Runbook: runbook.md"]
    nav += rng.sample(["API: api.md", "Onboarding: onboarding.md", "ADRs: adr/index.md", "FAQ: faq.md"], 2)
    return (
        f"site_name: {name.replace('-', ' ').title()}\n"
        f"site_description: {words(rng, 8)}\n"
        f"repo_url: https://github.com/acme/{name}\n"
        "edit_uri: edit/main/docs/\n"
        "nav:\n" + "".join(f"  - {n}\n" for n in nav) + "plugins:\n  - techdocs-core\n"
        "markdown_extensions:\n  - admonition\n  - toc:\n      permalink: true\n  - pymdownx.superfences\n"
    )


def k8s_docs(rng: random.Random, name: str) -> list[str]:
    """Kubernetes manifests of one service: Deployment, Service, maybe Ingress and HPA."""
    labels = f"    app.kubernetes.io/name: {name}\n    backstage.io/kubernetes-id: {name}\n"
    port = rng.choice([8080, 8000, 3000, 9000])
    docs = [
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n"
        f"  name: {name}\n  namespace: {name.split('-')[0]}\n  labels:\n{labels}"
        f"spec:\n  replicas: {rng.randint(2, 6)}\n  selector:\n    matchLabels:\n      app.kubernetes.io/name: {name}\n"
        f"  template:\n    metadata:\n      labels:\n        app.kubernetes.io/name: {name}\n"
        f"        backstage.io/kubernetes-id: {name}\n    spec:\n      containers:\n"
        f"        - name: {name}\n          image: registry.acme.example/{name}:1.{rng.randrange(50)}.{rng.randrange(10)}\n"
        f"          ports:\n            - containerPort: {port}\n"
        "          env:\n            - name: LOG_LEVEL\n              value: info\n"
        "            - name: DATABASE_URL\n              valueFrom:\n                secretKeyRef:\n"
        f"                  name: {name}-db\n                  key: url\n"
        "          resources:\n            requests: {cpu: 100m, memory: 256Mi}\n            limits: {memory: 512Mi}\n"
        f"          readinessProbe:\n            httpGet: {{path: /health/ready, port: {port}}}\n",
        f"apiVersion: v1\nkind: Service\nmetadata:\n  name: {name}\n  labels:\n{labels}"
        f"spec:\n  selector:\n    app.kubernetes.io/name: {name}\n  ports:\n    - port: 80\n      targetPort: {port}\n",
    ]
    if rng.random() < 0.5:
        docs.append(
            f"apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: {name}\n"
            f"  annotations:\n    cert-manager.io/cluster-issuer: letsencrypt\nspec:\n  rules:\n"
            f"    - host: {name}.acme.example\n      http:\n        paths:\n          - path: /\n"
            f"            pathType: Prefix\n            backend:\n              service:\n"
            f"                name: {name}\n                port: {{number: 80}}\n"
        )
    if rng.random() < 0.3:
        docs.append(
            f"apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: {name}\n"
            f"spec:\n  scaleTargetRef:\n    apiVersion: apps/v1\n    kind: Deployment\n    name: {name}\n"
            f"  minReplicas: 2\n  maxReplicas: {rng.randint(6, 20)}\n"
        )
    return docs


def github_workflow(rng: random.Random, name: str, release: bool) -> str:
    """A GitHub Actions workflow (ci.yml or release.yml)."""
    lang = rng.choice(LANGS)
    head = "name: release\non:\n  push:\n    tags: ['v*']\n" if release else (
        "name: ci\non:\n  push:\n    branches: [main]\n  pull_request:\n"
    )
    return (
        head + "permissions:\n  contents: read\n  packages: write\njobs:\n  build:\n    runs-on: ubuntu-24.04\n"
        "    steps:\n      - uses: actions/checkout@v4\n"
        f"      - name: Set up {lang}\n        uses: acme/setup-{lang}@v2\n"
        f"      - name: Test\n        run: make test SERVICE={name}\n"
        "      - name: Build image\n        run: |\n"
        f"          docker build -t registry.acme.example/{name}:${{{{ github.sha }}}} .\n"
        f"          docker push registry.acme.example/{name}:${{{{ github.sha }}}}\n"
        "        if: ${{ github.event_name == 'push' }}\n"
    )


def gitlab_ci(rng: random.Random, name: str) -> str:
    """A .gitlab-ci.yml."""
    return (
        "stages: [test, build, deploy]\nvariables:\n  DOCKER_DRIVER: overlay2\n"
        f"test:\n  stage: test\n  image: {rng.choice(LANGS)}:latest\n  script:\n    - make test\n"
        f"build:\n  stage: build\n  script:\n    - docker build -t $CI_REGISTRY_IMAGE/{name}:$CI_COMMIT_SHA .\n"
        "  only: [main]\n"
        f"deploy:\n  stage: deploy\n  environment: production\n  script:\n    - kubectl apply -f deploy/\n"
        "  when: manual\n"
    )


def openapi_yaml(rng: random.Random, name: str) -> str:
    """A stand-alone OpenAPI 3 file; 5% of them have 250 paths (~90 KB, more than the sniff reads)."""
    res = rng.choice(WORDS)
    n = 250 if rng.random() < 0.05 else rng.randint(3, 40)
    lines = ["openapi: 3.0.3", "info:", f"  title: {name}", f"  version: 2.{rng.randrange(30)}.0",
             "servers:", f"  - url: https://{name}.acme.example", "paths:"]
    for p in range(n):
        lines += [
            f"  /{res}s/{{id}}/r{p}:",
            "    get:",
            f"      operationId: get{res.capitalize()}R{p}",
            f"      summary: {words(rng, 6)}",
            "      parameters:",
            "        - {name: id, in: path, required: true, schema: {type: string}}",
            "      responses:",
            "        '200':",
            "          description: OK",
            "          content:",
            "            application/json:",
            f"              schema: {{$ref: '#/components/schemas/{res.capitalize()}'}}",
            "        '404': {description: Not found}",
        ]
    lines += ["components:", "  schemas:", f"    {res.capitalize()}:", "      type: object",
              "      properties:", "        id: {type: string}", "        createdAt: {type: string, format: date-time}"]
    return "\n".join(lines) + "\n"


def docker_compose(rng: random.Random, name: str) -> str:
    """A docker-compose.yml for local development."""
    return (
        f"services:\n  {name}:\n    build: .\n    ports: ['8080:8080']\n    environment:\n"
        f"      DATABASE_URL: postgres://dev:dev@db:5432/{name.replace('-', '_')}\n"
        "    depends_on: [db, redis]\n"
        f"  db:\n    image: postgres:{rng.choice([14, 15, 16])}\n    environment:\n"
        "      POSTGRES_PASSWORD: dev\n    volumes: ['pgdata:/var/lib/postgresql/data']\n"
        "  redis:\n    image: redis:7\nvolumes:\n  pgdata: {}\n"
    )


def helm_files(rng: random.Random, name: str) -> dict[str, str]:
    """A Helm chart: Chart.yaml, values.yaml (+ values-prod.yaml), templates (Go templates)."""
    files = {
        "chart/Chart.yaml": f"apiVersion: v2\nname: {name}\ndescription: {words(rng, 6)}\ntype: application\n"
        f"version: 0.{rng.randrange(20)}.0\nappVersion: \"1.{rng.randrange(50)}.0\"\n",
        "chart/values.yaml": f"replicaCount: 2\nimage:\n  repository: registry.acme.example/{name}\n  tag: \"\"\n"
        "  pullPolicy: IfNotPresent\nservice:\n  type: ClusterIP\n  port: 80\ningress:\n  enabled: false\n"
        "resources: {}\nnodeSelector: {}\ntolerations: []\n",
        "chart/templates/deployment.yaml": "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n"
        "  name: {{ include \"chart.fullname\" . }}\n  labels:\n    {{- include \"chart.labels\" . | nindent 4 }}\n"
        "spec:\n  replicas: {{ .Values.replicaCount }}\n  template:\n    spec:\n      containers:\n"
        "        - name: {{ .Chart.Name }}\n          image: \"{{ .Values.image.repository }}:{{ .Values.image.tag }}\"\n"
        "          {{- with .Values.resources }}\n          resources:\n            {{- toYaml . | nindent 12 }}\n"
        "          {{- end }}\n",
        "chart/templates/service.yaml": "apiVersion: v1\nkind: Service\nmetadata:\n"
        "  name: {{ include \"chart.fullname\" . }}\nspec:\n  type: {{ .Values.service.type }}\n"
        "  ports:\n    - port: {{ .Values.service.port }}\n",
    }
    if rng.random() < 0.4:
        files["chart/values-prod.yaml"] = "replicaCount: 4\ningress:\n  enabled: true\nresources:\n  limits: {memory: 1Gi}\n"
    return files


def other_files(rng: random.Random, service_dir: str, name: str) -> list[tuple[str, str, str]]:
    """The non-entity YAML files of one service directory: (relative path, kind, text)."""
    out = []
    if rng.random() < OTHER_RATES["mkdocs"]:
        out.append((f"{service_dir}/mkdocs.yml", "mkdocs", mkdocs_yml(rng, name)))
    if rng.random() < OTHER_RATES["kubernetes"]:
        docs = k8s_docs(rng, name)
        if rng.random() < 0.5:
            out.append((f"{service_dir}/deploy/k8s.yaml", "kubernetes", "---\n".join(docs)))
        else:
            for d in docs:
                kind = re.search(r"^kind: (\w+)", d, re.M).group(1).lower()
                out.append((f"{service_dir}/deploy/k8s/{kind}.yaml", "kubernetes", d))
    if rng.random() < OTHER_RATES["github-actions"]:
        out.append((f"{service_dir}/.github/workflows/ci.yml", "github-actions", github_workflow(rng, name, False)))
        if rng.random() < 0.5:
            out.append((f"{service_dir}/.github/workflows/release.yml", "github-actions", github_workflow(rng, name, True)))
    if rng.random() < OTHER_RATES["gitlab-ci"]:
        out.append((f"{service_dir}/.gitlab-ci.yml", "gitlab-ci", gitlab_ci(rng, name)))
    if rng.random() < OTHER_RATES["openapi"]:
        out.append((f"{service_dir}/api/openapi.yaml", "openapi", openapi_yaml(rng, name)))
    if rng.random() < OTHER_RATES["docker-compose"]:
        out.append((f"{service_dir}/docker-compose.yml", "docker-compose", docker_compose(rng, name)))
    if rng.random() < OTHER_RATES["helm"]:
        out += [(f"{service_dir}/{rel}", "helm", text) for rel, text in helm_files(rng, name).items()]
    return out


def root_files() -> list[tuple[str, str, str]]:
    """The repository root's own non-entity YAML: CI, pre-commit, yamllint, dependabot, docs.
    (Not `.github/workflows/catalog-lint.yml`, the name docs/ci.md suggests: discovery takes
    `catalog-*.yml` by name and would lint it as a broken entity file.)"""
    return [
        (".github/workflows/lint-catalog.yml", "github-actions",
         "name: catalog-lint\non: [push, pull_request]\njobs:\n  lint:\n    runs-on: ubuntu-24.04\n"
         "    steps:\n      - uses: actions/checkout@v4\n      - run: catalog-lint --format github .\n"),
        (".github/dependabot.yml", "github-actions",
         "version: 2\nupdates:\n  - package-ecosystem: github-actions\n    directory: /\n    schedule: {interval: weekly}\n"),
        (".pre-commit-config.yaml", "tooling",
         "repos:\n  - repo: https://github.com/acme/catalog-lint\n    rev: 0123abc\n    hooks:\n      - id: catalog-lint\n"),
        (".yamllint.yml", "tooling", "extends: default\nrules:\n  line-length: {max: 120}\n"),
        ("mkdocs.yml", "mkdocs", "site_name: Acme engineering\nnav:\n  - Home: index.md\nplugins:\n  - techdocs-core\n"),
    ]


# --------------------------------------------------------------------------- tree


def plan(n_files: int):
    """Splits n_files between org files and service files (about 5% org, at least a few of each)."""
    n_domains = max(2, min(len(DOMAINS) * 3, n_files // 500))
    n_systems = max(3, n_files // 100)
    n_groups = max(3, n_files // 50)
    n_templates = max(1, min(40, n_files // 250))
    n_services = n_files - n_domains - n_systems - n_groups - n_templates
    if n_services < 1:
        raise SystemExit("gen_tree: --files must be at least 20")
    return n_domains, n_systems, n_groups, n_templates, n_services


def generate(out: Path, n_files: int, seed: int, fault_rate: float) -> dict:
    """Writes the tree into `out` (which must not exist) and returns the manifest."""
    rng = random.Random(seed)
    n_domains, n_systems, n_groups, n_templates, n_services = plan(n_files)
    org = Org(rng, n_domains, n_systems, n_groups, n_templates, users_per_group=4)

    service_names = []
    used = set()
    for i in range(n_services):
        base = f"{rng.choice(WORDS)}-{rng.choice(SUFFIXES)}"
        name = base if base not in used else f"{base}-{i}"
        used.add(name)
        service_names.append(name)

    files = []  # (relative path, docs builder, service index or None)
    for i, name in enumerate(service_names):
        dom = org.systems[i % len(org.systems)][1]
        files.append((f"services/{dom}/{name}/catalog-info.yaml", "component", i))
    for i, d in enumerate(org.domains):
        files.append((f"org/domains/{d}.yaml", "domain", i))
    for i, (s, _) in enumerate(org.systems):
        files.append((f"org/systems/{s}.yaml", "system", i))
    for i, (g, _) in enumerate(org.groups):
        files.append((f"org/groups/{g}.yaml", "group", i))
    for i in range(n_templates):
        files.append((f"org/templates/template-{i}/template.yaml", "template", i))
    assert len(files) == n_files

    # Which files get a fault: a fixed-seed sample, categories cycled in order.
    n_faulty = round(n_files * fault_rate)
    fault_rng = random.Random(seed * 7919 + 1)
    faulty = sorted(fault_rng.sample(range(n_files), n_faulty)) if n_faulty else []
    fault_of = {fi: FAULTS[k % len(FAULTS)] for k, fi in enumerate(faulty)}

    out.mkdir(parents=True)
    faults = []
    total_bytes = 0
    n_docs = 0
    kinds: dict[str, int] = {}
    for fi, (rel, what, idx) in enumerate(files):
        frng = random.Random(f"{seed}:{rel}")
        if what == "component":
            docs = component_docs(frng, org, service_names[idx], idx, service_names)
        elif what == "domain":
            docs = domain_docs(frng, org, idx)
        elif what == "system":
            docs = system_docs(frng, org, idx)
        elif what == "group":
            docs = group_docs(frng, org, idx)
        else:
            docs = template_docs(frng, org, idx)
        fault = fault_of.get(fi)
        if fault is not None:
            dup = service_names[(idx + 1) % len(service_names)] if what == "component" else None
            if not plant_structural(fault, docs, dup) and fault == "duplicate-entity":
                # Not a Component file: duplicate the document inside the file instead.
                docs.append(json.loads(json.dumps(docs[0])))
        text = render(docs)
        if fault is not None:
            text = plant_textual(fault, text)
            faults.append({"file": rel, "fault": fault})
        for d in docs:
            k = d.get("kind", "?") if isinstance(d, dict) else "(non-mapping)"
            kinds[k] = kinds.get(k, 0) + 1
        n_docs += len(docs)
        path = out / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        data = text.encode("utf-8")
        total_bytes += len(data)
        path.write_bytes(data)

    # The non-entity YAML files: after the entity files, from their own random streams, so the
    # entity files are the same as a tree without them would hold.
    others: list[tuple[str, str, str]] = root_files()
    for rel, what, idx in files:
        if what == "component":
            others += other_files(random.Random(f"{seed}:other:{rel}"), rel.rsplit("/", 1)[0], service_names[idx])
    other_mix: dict[str, int] = {}
    other_bytes = 0
    for rel, kind, text in others:
        path = out / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        data = text.encode("utf-8")
        other_bytes += len(data)
        path.write_bytes(data)
        other_mix[kind] = other_mix.get(kind, 0) + 1

    manifest = {
        "generator_version": GENERATOR_VERSION,
        "files": n_files,
        "seed": seed,
        "fault_rate": fault_rate,
        "documents": n_docs,
        "bytes": total_bytes,
        "kinds": dict(sorted(kinds.items())),
        # YAML files without entities (the linter sniffs and skips them): count, bytes, per kind.
        "other_files": len(others),
        "other_bytes": other_bytes,
        "other_mix": dict(sorted(other_mix.items(), key=lambda kv: -kv[1])),
        "fault_counts": {f: sum(1 for x in faults if x["fault"] == f) for f in FAULTS},
        "faults": faults,
    }
    (out / "MANIFEST.json").write_text(json.dumps(manifest, indent=1) + "\n")
    return manifest


def main(argv: list[str]) -> int:
    """Command line: gen_tree.py --files N [--seed S] [--fault-rate F] --out DIR [--force] [--git-init]."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--files", type=int, required=True, help="number of YAML files (e.g. 1000, 10000, 100000)")
    ap.add_argument("--seed", type=int, default=42, help="random seed (default 42)")
    ap.add_argument("--fault-rate", type=float, default=0.05, help="fraction of files with one planted fault (default 0.05)")
    ap.add_argument("--out", required=True, help="output folder (must not exist unless --force)")
    ap.add_argument("--force", action="store_true", help="replace --out if it exists")
    ap.add_argument(
        "--git-init",
        action="store_true",
        help="make the tree its own git work tree (catalog-lint skips git-ignored files, and "
        "bench/trees/ is git-ignored in the project)",
    )
    args = ap.parse_args(argv)
    if not 0.0 <= args.fault_rate <= 1.0:
        ap.error("--fault-rate must be within [0, 1]")
    out = Path(args.out)
    if out.exists():
        if not args.force:
            ap.error(f"{out} exists (use --force to replace it)")
        shutil.rmtree(out)
    m = generate(out, args.files, args.seed, args.fault_rate)
    if args.git_init:
        subprocess.run(["git", "init", "-q", str(out)], check=True)
    print(
        f"gen_tree: {m['files']} entity files, {m['documents']} documents, {m['bytes'] / 1e6:.1f} MB, "
        f"{len(m['faults'])} faulty files; {m['other_files']} other YAML files, "
        f"{m['other_bytes'] / 1e6:.1f} MB -> {out}",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
