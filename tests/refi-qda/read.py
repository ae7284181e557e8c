"""Reads a REFI-QDA file back with pyrefiqda, a third-party reader, and
prints what it found as JSON, for tests/api/refi_qda.rs.

    python3 read.py qdpx FILE.qdpx EXTRACT_DIR
    python3 read.py qdc FILE.qdc

Exits with an error (never silently) when pyrefiqda is not installed.
"""

import json
import sys

try:
    from pyrefiqda import RefiCodebook, RefiProject
except ImportError:
    sys.exit("pyrefiqda is not installed: run `python3 -m pip install pyrefiqda` (.ci/run does)")


def code_tree(code):
    return {
        "guid": code.guid,
        "name": code.name,
        "codable": code.is_codable,
        "children": [code_tree(child) for child in code.code],
    }


def value_of(value):
    for found in (value.text_value, value.integer_value, value.date_value, value.date_time_value):
        if found is not None:
            return found if isinstance(found, (str, int)) else str(found)
    return None


def read_project(path, extract_dir):
    project = RefiProject.load(path, extract_dir=extract_dir)
    variables = {v.guid: (v.name, str(v.type_of_variable.value)) for v in project.variables.variable}
    sources = []
    for source in project.sources.text_source if project.sources else []:
        text = RefiProject.resolve_source_path(source.plain_text_path, extract_dir).read_bytes()
        selections = [
            {
                "start": s.start_position,
                "end": s.end_position,
                "codes": [c.code_ref.target_guid for c in s.coding],
            }
            for s in source.plain_text_selection
        ]
        sources.append(
            {
                "guid": source.guid,
                "name": source.name,
                "text": text.decode("utf-8"),
                "selections": selections,
                "values": {variables[v.variable_ref.target_guid][0]: value_of(v) for v in source.variable_value},
            }
        )
    cases = [
        {
            "name": case.name,
            "values": {variables[v.variable_ref.target_guid][0]: value_of(v) for v in case.variable_value},
            "sources": [ref.target_guid for ref in case.source_ref],
        }
        for case in (project.cases.case if project.cases else [])
    ]
    sets = {s.name: [m.target_guid for m in s.member_source] for s in (project.sets.set if project.sets else [])}
    return {
        "name": project.name,
        "codes": [code_tree(code) for code in project.code_book.codes.code],
        "variables": sorted(variables.values()),
        "sources": sources,
        "cases": cases,
        "sets": sets,
    }


def main():
    kind, path = sys.argv[1], sys.argv[2]
    if kind == "qdc":
        codebook = RefiCodebook.load(path)
        result = {"codes": [code_tree(code) for code in codebook.codes.code]}
    else:
        result = read_project(path, sys.argv[3])
    json.dump(result, sys.stdout, ensure_ascii=False)


main()
