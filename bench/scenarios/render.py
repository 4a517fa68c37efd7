"""
Renders ComplianceAsCode test scenarios for the Debian 12 product, using the content's own `ssg` package
and test-suite helpers (read from the checkout given on the command line; nothing of it lives here).

  python3 render.py CONTENT_DIR OUT_DIR PINS_JSON RULE_ID...

PINS_JSON maps a rule id to template variables to render with where the rule leaves them empty (an
XCCDF variable then decides): {"sysctl_x": {"sysctlval": "1"}} renders the sysctl template's tests for
the value our rule checks, as the content renders them for products that fix the value.

Writes OUT_DIR/<rule>/<files> (every rendered file of the rule's tests, templated ones included),
OUT_DIR/shared/ (the suite's shared helpers, sourced as $SHARED) and prints a JSON manifest on stdout:
{"rules": {id: {"scenarios": [{name, platform, packages, variables}], "error"?: str}}}.
"""
import json
import os
import re
import sys

PRODUCT = "debian12"


def header(text, name):
    m = re.search(r"^# {0} = (.*)$".format(name), text, re.MULTILINE)
    return m.group(1).strip() if m else None


def variables(text):
    raw = header(text, "variables")
    out = []
    if raw is None:
        return out
    for token in raw.split(","):
        token = token.strip()
        if "=" in token:
            out.append(token)
        elif out:
            out[-1] += "," + token
    return [v.split("=", 1) for v in out]


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)
        f.write("\n")


def main():
    content, out_dir, pins, wanted = sys.argv[1], sys.argv[2], json.loads(sys.argv[3]), set(sys.argv[4:])
    sys.path[:0] = [content, os.path.join(content, "tests")]
    import ssg.jinja
    import ssg.utils
    from ssg_test_suite import common, rule as suite_rule

    product_yaml = common.get_product_context(PRODUCT)
    dirs = {}
    for base, subdirs, files in os.walk(os.path.join(content, "linux_os")):
        if "rule.yml" in files and os.path.basename(base) in wanted:
            dirs[os.path.basename(base)] = base
    result = {}
    for rule_id in sorted(wanted):
        entry = {"scenarios": []}
        result[rule_id] = entry
        rule_dir = dirs.get(rule_id)
        if rule_dir is None:
            entry["error"] = "no rule directory in the content"
            continue
        try:
            rule, env = common.load_rule_and_env(rule_dir, product_yaml, PRODUCT)
            if rule.template and rule.template.get("vars") is not None:
                for key, value in pins.get(rule_id, {}).items():
                    if not rule.template["vars"].get(key):
                        rule.template["vars"][key] = value
            named = suite_rule.Rule(directory=rule_dir, id=rule_id, short_id=rule_id,
                                    template=rule.template, local_env_yaml=env, rule=rule)
            templated = common.fetch_templated_tests_paths(named, product_yaml)
            local = common.fetch_local_tests_paths(os.path.join(rule_dir, "tests"))
            for name in local:
                templated.pop(name, None)
            files = {}
            if templated:
                for path in templated.values():
                    rel = os.path.relpath(path, os.path.join(
                        common._SHARED_TEMPLATES, rule.template["name"], "tests"))
                    files[rel] = common.load_test(path, rule.template, env)
            for name, path in local.items():
                files[name] = ssg.jinja.process_file(path, env)
        except Exception as e:  # a scenario we cannot render is reported, never guessed
            entry["error"] = "render: {0}: {1}".format(type(e).__name__, e)
            continue
        for rel, text in files.items():
            write(os.path.join(out_dir, rule_id, rel), text)
            if not re.search(r"\.[^.]*\.sh$", rel) or "/" in rel:
                continue
            platform = header(text, "platform") or "multi_platform_all"
            entry["scenarios"].append({
                "name": rel,
                "template": rel not in local,
                "applies": ssg.utils.is_applicable_for_product(platform, PRODUCT),
                "platform": platform,
                "packages": [p.strip() for p in (header(text, "packages") or "").split(",") if p.strip()],
                "variables": variables(text),
            })
    shared = common._SHARED_DIR
    for base, _, names in os.walk(shared):
        for name in names:
            path = os.path.join(base, name)
            try:
                text = ssg.jinja.process_file(path, product_yaml)
            except Exception:
                continue
            write(os.path.join(out_dir, "shared", os.path.relpath(path, shared)), text)
    json.dump({"rules": result}, sys.stdout)


if __name__ == "__main__":
    main()
