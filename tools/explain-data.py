#!/usr/bin/env python3
"""Builds static/explain-v1.31.json, the field documentation `kubectl explain` prints.

Source: the OpenAPI definitions of Kubernetes v1.31.0 as packaged on PyPI by
kubernetes-validate 1.31.0 (kubernetes_validate/kubernetes-json-schema/v1.31.0-local/
_definitions.json; its descriptions match upstream api/openapi-spec word for word). That
package drops two descriptions, which are restored here from k8s-openapi 0.23.0 (src/v1_31,
generated from the same spec). Enum lists are not in either source (upstream strips them from
the checked-in spec), so the lab's explain prints no ENUM lines.

Usage: pip download kubernetes-validate==1.31.0 --no-deps; unzip it; then
  python3 tools/explain-data.py path/to/v1.31.0-local/_definitions.json tools/explain-enums-v1.31.json > static/explain-v1.31.json
"""
import json
import sys

KINDS = [
    ("Pod", "io.k8s.api.core.v1.Pod"), ("Node", "io.k8s.api.core.v1.Node"),
    ("Namespace", "io.k8s.api.core.v1.Namespace"), ("ConfigMap", "io.k8s.api.core.v1.ConfigMap"),
    ("Service", "io.k8s.api.core.v1.Service"), ("Endpoints", "io.k8s.api.core.v1.Endpoints"),
    ("Event", "io.k8s.api.core.v1.Event"), ("Deployment", "io.k8s.api.apps.v1.Deployment"),
    ("ReplicaSet", "io.k8s.api.apps.v1.ReplicaSet"), ("StatefulSet", "io.k8s.api.apps.v1.StatefulSet"),
    ("Job", "io.k8s.api.batch.v1.Job"),
    ("PersistentVolumeClaim", "io.k8s.api.core.v1.PersistentVolumeClaim"),
    ("PersistentVolume", "io.k8s.api.core.v1.PersistentVolume"),
    ("StorageClass", "io.k8s.api.storage.v1.StorageClass"),
    ("Ingress", "io.k8s.api.networking.v1.Ingress"),
    ("IngressClass", "io.k8s.api.networking.v1.IngressClass"),
    ("NetworkPolicy", "io.k8s.api.networking.v1.NetworkPolicy"),
    ("HorizontalPodAutoscaler", "io.k8s.api.autoscaling.v2.HorizontalPodAutoscaler"),
    ("APIService", "io.k8s.kube-aggregator.pkg.apis.apiregistration.v1.APIService"),
]

INT_OR_STRING = ("IntOrString is a type that can hold an int32 or a string.  When used in JSON or YAML "
                 "marshalling and unmarshalling, it produces or consumes the inner type.  This allows you to have, "
                 "for example, a JSON field that can accept a name or number.")
QUANTITY = (
    "Quantity is a fixed-point representation of a number. It provides convenient marshaling/unmarshaling in JSON and YAML, in addition to String() and AsInt64() accessors.\n\nThe serialization format is:\n\n``` <quantity>        ::= <signedNumber><suffix>\n\n\t(Note that <suffix> may be empty, from the \"\" case in <decimalSI>.)\n\n<digit>           ::= 0 | 1 | ... | 9 <digits>          ::= <digit> | <digit><digits> <number>          ::= <digits> | <digits>.<digits> | <digits>. | .<digits> <sign>            ::= \"+\" | \"-\" <signedNumber>    ::= <number> | <sign><number> <suffix>          ::= <binarySI> | <decimalExponent> | <decimalSI> <binarySI>        ::= Ki | Mi | Gi | Ti | Pi | Ei\n\n\t(International System of units; See: http://physics.nist.gov/cuu/Units/binary.html)\n\n<decimalSI>       ::= m | \"\" | k | M | G | T | P | E\n\n\t(Note that 1024 = 1Ki but 1000 = 1k; I didn't choose the capitalization.)\n\n<decimalExponent> ::= \"e\" <signedNumber> | \"E\" <signedNumber> ```\n\nNo matter which of the three exponent forms is used, no quantity may represent a number greater than 2^63-1 in magnitude, nor may it have more than 3 decimal places. Numbers larger or more precise will be capped or rounded up. (E.g.: 0.1m will rounded up to 1m.) This may be extended in the future if we require larger or smaller quantities.\n\nWhen a Quantity is parsed from a string, it will remember the type of suffix it had, and will use the same type again when it is serialized.\n\nBefore serializing, Quantity will be put in \"canonical form\". This means that Exponent/suffix will be adjusted up or down (with a corresponding increase or decrease in Mantissa) such that:\n\n- No precision is lost - No fractional digits will be emitted - The exponent (or suffix) is as large as possible.\n\nThe sign will be omitted unless the number is negative.\n\nExamples:\n\n- 1.5 will be serialized as \"1500m\" - 1.5Gi will be serialized as \"1536Mi\"\n\nNote that the quantity will NEVER be internally represented by a floating point number. That is the whole point of this exercise.\n\nNon-canonical values will still parse as long as they are well formed, but will be re-emitted in their canonical form. (So always use canonical form, or don't diff.)\n\nThis format is intended to make it difficult to use these numbers without writing some sort of special handling code in the hopes that that will cause implementors to also use a fixed point implementation."
)


def prim(t):
    """["string", "null"] -> "string"."""
    if isinstance(t, list):
        t = [x for x in t if x != "null"]
        return t[0] if t else None
    return t


def field(s, deps):
    """A property schema in the lab's compact form: d(escription), t(ype), ref, items, add(itionalProperties)."""
    out = {}
    if s.get("description"):
        out["d"] = s["description"]
    if "$ref" in s:
        name = s["$ref"].split("/")[-1]
        deps.append(name)
        out["ref"] = name
    t = prim(s.get("type"))
    if t and "$ref" not in s:
        out["t"] = t
    if isinstance(s.get("items"), dict):
        out["items"] = field(s["items"], deps)
    if isinstance(s.get("additionalProperties"), dict):
        out["add"] = field(s["additionalProperties"], deps)
    return out


def add_enums(out_defs, enums):
    """What a live API server adds and the checked-in spec lacks: each enum field's values
    ("e") and the "Possible enum values" text after its description (tools/explain-enums-v1.31.json)."""
    for d, fields in enums["defs"].items():
        if d not in out_defs:
            continue  # a type no kind the lab serves reaches (DaemonSet's)
        for f, e in fields.items():
            prop = out_defs[d].get("p", {}).get(f)
            if prop is None:
                raise SystemExit(f"explain-data.py: enum for {d}.{f}, which the schema does not have")
            prop["e"] = e["values"]
            prop["d"] = prop.get("d", "") + e["text"]


def main():
    defs = json.load(open(sys.argv[1]))["$defs"]
    out_defs = {}
    todo = [d for _, d in KINDS]
    while todo:
        name = todo.pop()
        if name in out_defs:
            continue
        s = defs[name]
        deps = []
        entry = {}
        desc = s.get("description", "")
        if name.endswith("intstr.IntOrString"):
            desc = INT_OR_STRING
        if name.endswith("resource.Quantity"):
            desc = QUANTITY
        if desc:
            entry["d"] = desc
        t = prim(s.get("type"))
        if t and t != "object":
            entry["t"] = t
        if s.get("required"):
            entry["req"] = sorted(s["required"])
        props = {}
        for k, v in (s.get("properties") or {}).items():
            f = field(v, deps)
            # The package adds an enum to apiVersion and kind that upstream does not have;
            # it is dropped with everything else but descriptions and types.
            props[k] = f
        if props:
            entry["p"] = props
        out_defs[name] = entry
        todo.extend(deps)
    if len(sys.argv) > 2:
        add_enums(out_defs, json.load(open(sys.argv[2])))
    kinds = {}
    for kind, d in KINDS:
        gvk = defs[d].get("x-kubernetes-group-version-kind", [{}])[0]
        kinds[kind] = {"def": d, "group": gvk.get("group", ""), "version": gvk.get("version", "v1")}
    json.dump({"source": "Kubernetes v1.31.0 OpenAPI (kubernetes-validate 1.31.0; k8s-openapi 0.23.0 for IntOrString and Quantity)", "kinds": kinds, "defs": out_defs}, sys.stdout, sort_keys=True, separators=(",", ":"))


main()
