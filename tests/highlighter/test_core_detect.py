"""Which language a paste is in: file name, shebang, modeline, the model, Pygments, plain text.

The first three rules are always right when they fire and decide in that order; the model
decides the rest, corrected by markers only one language has; low confidence is plain text.
"""

import pytest

from apps.highlighter.core import content_model, detection, structure, tokens_model
from apps.highlighter.core import detect as detect_module
from apps.highlighter.core.detect import MAX_EXAMINED, THRESHOLD, detect
from tests.waiting import timed

PYTHON = "def greet(name):\n    return f'hello {name}'\n\nclass Greeter:\n    def __init__(self):\n        self.count = 0\n"
PHP = "<?php\nnamespace App;\nclass Foo {\n    public function bar($x) {\n        return $this->baz[$x];\n    }\n}\n"
PROSE = (
    "Dear team, thanks for the meeting yesterday. I think we agreed on most points.\n"
    "Let us meet again next week to finish the plan and share it with everyone.\n"
)


def decided(text, filename=None):
    guess = detect(text, filename=filename)
    return guess.lexer, guess.rule


# --- file name ------------------------------------------------------------------------------


def test_a_file_name_pygments_knows_decides_with_full_confidence():
    guess = detect(PHP, filename="src/tool.py")
    assert (guess.lexer, guess.rule, guess.confidence) == ("python", "filename", 1.0)


def test_file_names_pygments_misses_are_known_too():
    assert decided("pipeline { }\n", filename="Jenkinsfile") == ("groovy", "filename")


def test_an_unknown_file_name_does_not_decide():
    assert decided(PYTHON, filename="notes.unknown-extension") == ("python", "model")


def test_the_file_name_beats_a_shebang():
    assert decided("#!/bin/bash\necho hi\n", filename="run.py") == ("python", "filename")


# --- shebang --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "lexer"),
    [
        ("#!/usr/bin/env node", "javascript"),
        ("#!/bin/bash", "bash"),
        ("#!/bin/sh -e", "bash"),
        ("#!/usr/bin/python3.11", "python"),
        ("#!/usr/bin/env -S deno run --allow-net", "typescript"),
        ("#!/usr/bin/perl -w", "perl"),
        ("#!/usr/bin/env ruby", "ruby"),
        ("#!/usr/bin/env elixir", "elixir"),
    ],
)
def test_a_shebang_names_the_language_by_its_interpreter(line, lexer):
    guess = detect(line + "\nsome body\n")
    assert (guess.lexer, guess.rule, guess.confidence) == (lexer, "shebang", 1.0)


def test_an_unknown_interpreter_leaves_the_decision_to_the_content():
    assert decided("#!/opt/frobnicate\n" + PYTHON) == ("python", "model")


def test_a_shebang_beats_a_modeline_that_disagrees():
    """The interpreter is what runs the file."""
    assert decided("#!/bin/bash\n# -*- mode: python -*-\necho hi\n") == ("bash", "shebang")


# --- modelines ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "lexer"),
    [
        ("# -*- mode: ruby -*-\nputs 1\n", "ruby"),
        ("# -*- ruby -*-\nputs 1\n", "ruby"),
        ("/* -*- mode: c++; indent-tabs-mode: nil -*- */\nint x;\n", "cpp"),
        ("x = 1\n\n# vim: ft=python\n", "python"),
        ("var x = 1;\n/* vim: set filetype=javascript : */\n", "javascript"),
        ("# vim: set ft=yaml ts=2:\nkey: value\n", "yaml"),
    ],
)
def test_an_editor_modeline_names_the_language(text, lexer):
    assert decided(text) == (lexer, "modeline")


def test_a_modeline_naming_no_known_language_does_not_decide():
    assert decided("# vim: ft=nosuchlanguage\n" + PYTHON) == ("python", "model")


# --- the model ------------------------------------------------------------------------------


def test_the_model_decides_content_alone_and_shows_its_next_candidates():
    guess = detect(PHP)
    assert (guess.lexer, guess.rule) == ("php", "model")
    assert guess.confidence >= THRESHOLD
    assert guess.candidates[0] == ("php", guess.confidence)
    scores = [score for _, score in guess.candidates]
    assert scores == sorted(scores, reverse=True) and len(scores) == detect_module.CANDIDATES
    assert all(0.0 <= score <= 1.0 for score in scores)


def test_the_model_is_loaded_once_per_process():
    assert content_model.load() is content_model.load()


def test_the_models_top_label_is_magikas_own():
    """content_model reads Magika's internals; its answer must stay the public API's answer."""
    from magika import Magika

    data = PHP.encode()
    assert content_model.load().scores(data)[0][0] == str(Magika().identify_bytes(data).prediction.dl.label)


# --- the learned tokens model ----------------------------------------------------------------

APACHE_HEADER = """/*
 * Licensed to the Apache Software Foundation (ASF) under one or more
 * contributor license agreements.  See the NOTICE file distributed with
 * this work for additional information regarding copyright ownership.
 * The ASF licenses this file to You under the Apache License, Version 2.0
 * (the "License"); you may not use this file except in compliance with
 * the License.  You may obtain a copy of the License at
 *
 *      http://www.apache.org/licenses/LICENSE-2.0
 *
 * Unless required by applicable law or agreed to in writing, software
 * distributed under the License is distributed on an "AS IS" BASIS,
 * WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
 * See the License for the specific language governing permissions and
 * limitations under the License.
 */
"""


def test_the_tokens_model_is_loaded_once_per_process_and_with_the_content_model():
    assert detection.load_model()
    assert tokens_model._model is not None
    assert tokens_model.load() is tokens_model.load()


def test_the_committed_weights_are_what_the_training_script_declares():
    """bench/train_detect.py writes them; the runtime refuses weights of other features."""
    import numpy

    with numpy.load(tokens_model.WEIGHTS) as weights:
        assert int(weights["version"]) == tokens_model.VERSION
        assert tuple(weights["languages"]) == tokens_model.LANGUAGES
        assert weights["weights"].shape == (tokens_model.BUCKETS, len(tokens_model.LANGUAGES))
        assert weights["weights"].dtype == numpy.float16
        assert weights["bias"].shape == (len(tokens_model.LANGUAGES),)
    assert tokens_model.WEIGHTS.stat().st_size <= 5 * 2**20


def test_weights_of_another_version_are_refused(tmp_path):
    import numpy

    stale = tmp_path / "stale.npz"
    numpy.savez(stale, version=numpy.int64(tokens_model.VERSION + 1), languages=numpy.array(tokens_model.LANGUAGES),
                weights=numpy.zeros((4, len(tokens_model.LANGUAGES)), dtype=numpy.float16),
                bias=numpy.zeros(len(tokens_model.LANGUAGES), dtype=numpy.float32))
    with pytest.raises(ValueError, match="train_detect"):
        tokens_model.TokensModel(stale)


def test_the_training_script_fits_a_softmax_model_that_reads_what_it_was_shown():
    """bench/train_detect.fit on a toy corpus: Python documents share some features, Go documents
    others, a third set is in both; the fitted model puts each unseen mix on the right side, and
    the same seed gives the same weights."""
    import sys
    from pathlib import Path

    import numpy

    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
    import train_detect

    rng = numpy.random.RandomState(0)
    python, go = tokens_model.LANGUAGES.index("python"), tokens_model.LANGUAGES.index("go")
    rows, languages = [], []
    for _ in range(200):
        language = rng.randint(2)
        own = rng.choice(50, 5, replace=False) + (100 if language else 0)
        rows.append(numpy.unique(numpy.concatenate([own, rng.choice(50, 3, replace=False) + 200])))
        languages.append(go if language else python)
    matrix = {"indices": numpy.concatenate(rows).astype(numpy.int32),
              "pointers": numpy.concatenate([[0], numpy.cumsum([len(r) for r in rows])]).astype(numpy.int64),
              "languages": numpy.array(languages, numpy.int16)}
    weights, bias = train_detect.fit(matrix, numpy.arange(len(rows)), epochs=3)
    again, _ = train_detect.fit(matrix, numpy.arange(len(rows)), epochs=3)
    assert numpy.array_equal(weights, again)
    for features, language in (([1, 7, 20, 210], python), ([101, 107, 120, 210], go)):
        logits = weights[features].sum(axis=0) / len(features) ** 0.5 + bias
        assert logits.argmax() == language


def test_the_second_evaluation_set_shares_nothing_with_tuning_evaluation_or_training():
    """bench/detect_corpus.tsv's eval2 rows pass check_eval2 (no tune, eval or training project,
    no file of theirs); an eval2 row from a training repository, or a vendored copy of an eval
    project, is refused."""
    import csv
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
    import detect_corpus
    import detect_train_corpus

    with detect_corpus.MANIFEST.open() as manifest:
        rows = list(csv.DictReader(manifest, delimiter="\t"))
    eval2 = [row for row in rows if row["set"] == "eval2"]
    assert len(eval2) >= 24 * 10 and {row["language"] for row in eval2} == set(detect_train_corpus.EXTENSIONS)
    detect_train_corpus.check_eval2(rows)
    with detect_train_corpus.MANIFEST.open() as manifest:
        trained = next(csv.DictReader(manifest, delimiter="\t"))
    for clash, why in (({**eval2[0], "package": trained["package"]}, "train project"),
                       ({**eval2[0], "path": "css/normalize.css"}, "copy of a tune or eval project")):
        with pytest.raises(SystemExit, match=why):
            detect_train_corpus.check_eval2([*rows, clash])


def test_without_the_tokens_model_magika_decides_alone(monkeypatch):
    def broken():
        raise OSError("no weights")

    monkeypatch.setattr(tokens_model, "load", broken)
    assert detect_module.token_scores(PHP) == {}
    assert decided(PHP) == ("php", "model")


def test_a_java_excerpt_that_is_a_licence_header_and_a_package_line_is_java():
    assert decided(APACHE_HEADER + "package org.example.util;\n") == ("java", "model")


def test_the_tokens_model_scores_every_language_it_knows_the_same_way_every_time():
    scores = tokens_model.load().scores(PHP)
    assert set(scores) == set(tokens_model.LANGUAGES)
    assert max(scores, key=scores.get) == "php"
    assert tokens_model.load().scores(PHP) == scores
    assert detect(PHP) == detect(PHP)


def test_features_do_not_depend_on_the_processs_string_hashing():
    """Python salts str hashes per process; the features must be the same in any process."""
    import subprocess
    import sys

    probe = "from apps.highlighter.core import tokens_model; print(tokens_model.features(%r))" % PHP
    outputs = {
        subprocess.run([sys.executable, "-c", probe], env={"PYTHONHASHSEED": seed}, capture_output=True,
                       text=True, check=True, cwd=str(tokens_model.WEIGHTS.parents[3])).stdout
        for seed in ("1", "2")
    }
    assert outputs == {f"{tokens_model.features(PHP)}\n"}


def test_the_tokens_model_reads_a_bounded_prefix():
    prefix = (PYTHON * (tokens_model.EXAMINED // len(PYTHON) + 1))[: tokens_model.EXAMINED]
    assert tokens_model.features(prefix + PHP * 1000) == tokens_model.features(prefix)


def test_a_guess_is_plain_data():
    assert detect(PHP).as_dict()["candidates"][0]["lexer"] == "php"
    assert set(detect(PHP).as_dict()) == {"lexer", "rule", "confidence", "candidates"}


# --- corrections where the model is weak ----------------------------------------------------


def test_cpp_tokens_turn_a_c_guess_into_cpp():
    ranked = [("c", 0.7), ("cpp", 0.3)]
    assert structure.adjust("std::vector<int> v;\n", ranked)[0][0] == "cpp"
    assert structure.adjust("int v[3];\n", ranked)[0][0] == "c"


def test_markdown_structure_outweighs_the_code_it_quotes():
    text = "## Usage\n\n- install it\n- run it\n\n```js\nconst x = require('x')\n```\n"
    assert structure.adjust(text, [("javascript", 0.6), ("markdown", 0.4)])[0][0] == "markdown"


def test_a_template_language_without_its_delimiters_gives_way():
    ranked = [("handlebars", 0.6), ("html", 0.4)]
    assert structure.adjust("<div class='x'><p>hi</p></div>\n", ranked)[0][0] == "html"
    assert structure.adjust("<div>{{#each items}}x{{/each}}</div>\n", ranked)[0][0] == "handlebars"


def test_corrections_only_reorder_the_models_candidates_and_stay_probabilities():
    adjusted = structure.adjust("std::string s;\n", [("c", 0.5), ("rust", 0.5)])
    assert {alias for alias, _ in adjusted} == {"c", "rust"}
    assert sum(score for _, score in adjusted) == pytest.approx(1.0)


def test_a_whole_json_document_is_json():
    text = '{\n  "name": "x",\n  "version": "1.0.0",\n  "tags": ["a", "b"]\n}\n'
    assert structure.adjust(text, [("javascript", 0.6), ("json", 0.4)])[0][0] == "json"


def test_a_java_excerpt_with_system_out_is_java_not_csharp():
    text = '    if (verbose) {\n        System.out.println("copied " + count);\n    }\n'
    assert structure.adjust(text, [("csharp", 0.6), ("java", 0.4)])[0][0] == "java"


def test_an_assembly_attribute_is_csharp():
    text = '[assembly: AssemblyTitle ("dbus-sharp")]\n[assembly: AssemblyVersion ("0.8.0")]\n'
    assert structure.adjust(text, [("ini", 0.5), ("csharp", 0.3), ("powershell", 0.2)])[0][0] == "csharp"
    assert structure.adjust("[section]\nkey = value\n", [("ini", 0.5), ("csharp", 0.5)])[0][0] == "ini"


def test_a_parameter_or_return_typed_with_a_class_is_typescript_not_javascript():
    ranked = [("javascript", 0.7), ("typescript", 0.3)]
    assert structure.adjust("function finish(scope: ImmerScope) {\n  scope.done()\n}\n", ranked)[0][0] == "typescript"
    assert structure.adjust("const latest = (state): Draft<T> => state.copy\n", ranked)[0][0] == "typescript"
    assert structure.adjust("const target = node!.parent\n", ranked)[0][0] == "typescript"


def test_a_typed_constant_or_class_property_is_typescript_but_a_kotlin_var_is_not():
    ranked = [("javascript", 0.7), ("typescript", 0.3)]
    assert structure.adjust("const scope: ImmerScope = current()\n", ranked)[0][0] == "typescript"
    assert structure.adjust("class Store {\n  private state: Draft<T>;\n}\n", ranked)[0][0] == "typescript"
    kotlin = "    var name: String = \"\"\n    val edges = localData.edges\n"
    assert structure.adjust(kotlin, [("kotlin", 0.6), ("typescript", 0.4)])[0][0] == "kotlin"


def test_a_javascript_object_of_classes_stays_javascript():
    text = "const components = {Button: Button, List: List}\nrender(components)\n"
    assert structure.adjust(text, [("javascript", 0.7), ("typescript", 0.3)])[0][0] == "javascript"


def test_rust_doc_comments_and_let_mut_are_rust():
    ranked = [("c", 0.6), ("rust", 0.4)]
    assert structure.adjust("//! Parsing of URLs.\nlet mut parser = Parser::new();\n", ranked)[0][0] == "rust"
    assert structure.adjust("int main(void) {\n  return 0;\n}\n", ranked)[0][0] == "c"


def test_markdown_inside_code_comments_is_not_markdown():
    """`//` lines around Markdown are a doc comment: the Markdown in them is not a Markdown file."""
    text = "//! # Url\n//!\n//! - parse a URL\n//! - [spec](https://url.spec.whatwg.org/)\n"
    assert structure.adjust(text, [("markdown", 0.6), ("rust", 0.4)])[0][0] == "rust"
    prose = "# Url\n\n- parse a URL\n- [spec](https://url.spec.whatwg.org/)\n"
    assert structure.adjust(prose, [("markdown", 0.6), ("rust", 0.4)])[0][0] == "markdown"
    bullets = "  * `--app` - limit running the command to the given app\n  * `--cd` - the directory\n"
    assert structure.adjust(bullets, [("markdown", 0.6), ("rust", 0.4)])[0][0] == "markdown"


def test_a_ruby_module_and_symbol_keys_are_ruby_not_elixir():
    ranked = [("elixir", 0.6), ("ruby", 0.4)]
    assert structure.adjust("module I18n\n  module Tests\n", ranked)[0][0] == "ruby"
    assert structure.adjust("interpolate(:default => 'Hi', :name => 'David')\n", ranked)[0][0] == "ruby"
    assert structure.adjust("defmodule Mix.Tasks.Cmd do\n  use Mix.Task\nend\n", ranked)[0][0] == "elixir"


def test_swift_assigns_what_it_tries():
    text = "let gifData = try processGifData(inputData: rawData)\nreturn (gifData, \".gif\")\n"
    assert structure.adjust(text, [("kotlin", 0.55), ("swift", 0.45)])[0][0] == "swift"


def test_a_list_under_keys_is_yaml_and_a_list_alone_is_markdown():
    ranked = [("markdown", 0.6), ("yaml", 0.4)]
    yaml_text = "image:\n- Visual Studio 2015\n- Visual Studio 2013\n\nbuild_script:\n- cmake .\n- ctest -C Release\n"
    assert structure.adjust(yaml_text, ranked)[0][0] == "yaml"
    assert structure.adjust("- install it\n- run it\n- enjoy\n", ranked)[0][0] == "markdown"


def test_a_json_fragment_is_json():
    """The middle of a document (`"key": value,` lines, an unclosed object) does not parse, but
    every line is a line of JSON."""
    text = '    "name": "composite",\n    "private": true,\n    "scripts": {\n      "test": "jest"\n    },\n'
    assert structure.adjust(text, [("javascript", 0.5), ("yaml", 0.3), ("json", 0.2)])[0][0] == "json"


def test_a_primitive_typed_declaration_is_c_family_not_javascript():
    """`int maxHeight = ...` is C, C++, Java or C#: it raises all four, not one of them."""
    text = "        int maxHeight = desiredMaxHeight == 0 ? height : desiredMaxHeight;\n        float w = 1;\n"
    assert structure.adjust(text, [("javascript", 0.6), ("java", 0.4)])[0][0] == "java"
    adjusted = dict(structure.adjust(text, [("c", 0.5), ("java", 0.3), ("csharp", 0.2)]))
    assert adjusted["c"] > adjusted["java"] > adjusted["csharp"]


def test_a_public_int_field_is_java_as_much_as_csharp():
    text = "  public int readTimeout;\n  public void cancel() {\n  }\n"
    assert structure.adjust(text, [("java", 0.6), ("csharp", 0.4)])[0][0] == "java"


def test_a_line_comment_is_never_css():
    """`//` comments are SCSS's or Less's: CSS has only `/* */`."""
    text = "// the buttons\n.button {\n  color: red;\n  &:hover { color: blue; }\n}\n"
    assert structure.adjust(text, [("css", 0.9), ("scss", 0.1)])[0][0] == "scss"
    without_comment = text.replace("// the buttons", "/* the buttons */")
    assert structure.adjust(without_comment, [("css", 0.9), ("scss", 0.1)])[0][0] == "css"


def test_tags_that_are_no_html_element_are_not_html():
    text = '    <issue\n        id="DefaultLocale"\n        message="Implicitly using the default locale">\n        <location file="src/A.java" line="327"/>\n    </issue>\n'
    assert structure.adjust(text, [("html", 0.9), ("xml", 0.1)])[0][0] == "xml"
    page = '<div class="note">\n  <p>Read <a href="/docs">the docs</a>.</p>\n</div>\n'
    assert structure.adjust(page, [("html", 0.9), ("xml", 0.1)])[0][0] == "html"


def test_an_import_block_in_braces_is_not_go():
    """Go imports in parentheses; `import {` is JavaScript's or TypeScript's."""
    text = "import {\n\tImmerState,\n\tAnyMap,\n\tdie\n} from \"../internal\"\n"
    assert structure.adjust(text, [("go", 0.8), ("javascript", 0.2)])[0][0] == "javascript"
    assert structure.adjust('import (\n\t"fmt"\n)\n', [("go", 0.8), ("javascript", 0.2)])[0][0] == "go"


def test_go_panics():
    text = '\tdefault:\n\t\tpanic("invalid parser state")\n\t}\n}\n'
    assert structure.adjust(text, [("c", 0.6), ("go", 0.4)])[0][0] == "go"


# --- Pygments' guess --------------------------------------------------------------------------


def test_pygments_guess_never_names_a_language_the_model_knows():
    """Python's analyser is sure of any text with `import ` in it; the model has weighed Python."""
    text = 'import {\n\tDRAFT_STATE,\n\tObjectish,\n\tDraft,\n} from "../internal"\n\nconst O = Object\n'
    assert detect_module.pygments_guess(text) == ("python", 1.0)
    assert "python" in detect_module.model_languages()
    assert detect(text).rule != "pygments"


def test_a_comment_is_not_code_whatever_pygments_guesses():
    """Brainfuck's analyser is sure of a licence header drawn with `/*---*/`."""
    text = "/*---" + "-" * 50 + "*/\n/*--- Decompression machinery " + " " * 20 + "---*/\n/*---" + "-" * 50 + "*/\n"
    assert detect_module.pygments_guess(text)[0] == "brainfuck"
    assert detect_module.only_comments(text)
    assert detect(text).lexer != "brainfuck"


@pytest.mark.parametrize(
    "text",
    [
        "# a comment\n\n# another\n",
        "// Copyright 2011 Google Inc.\n//\n// Licensed under ...\n",
        "/*\n * PostgreSQL System Functions\n *\n */\n\n/* and a note */\n",
        "-- contrib/sepgsql/sepgsql.sql\n--\n",
        "<!-- a licence -->\n",
    ],
)
def test_a_licence_header_is_only_comments(text):
    assert detect_module.only_comments(text)


@pytest.mark.parametrize(
    "text",
    ["", "\n\n", "x = 1\n", "# set x\nx = 1\n", "/* note */ int x;\n", "/* open\n still open */\nreturn 0;\n"],
)
def test_a_text_with_code_or_nothing_is_not_only_comments(text):
    assert not detect_module.only_comments(text)


# --- fallback and bounds --------------------------------------------------------------------


@pytest.mark.parametrize("text", ["", "   \n\t\n"])
def test_empty_input_is_plain_text(text):
    guess = detect(text)
    assert (guess.lexer, guess.rule, guess.candidates) == ("text", "fallback", [])


def test_binary_looking_input_is_plain_text():
    assert decided("\x00\x01\x02ELF\x00\x00" * 100) == ("text", "fallback")


def test_prose_falls_back_to_plain_text():
    assert decided(PROSE) == ("text", "fallback")


def test_only_a_bounded_prefix_is_examined():
    """What lies past MAX_EXAMINED characters cannot change the guess."""
    prefix = (PYTHON * (MAX_EXAMINED // len(PYTHON) + 1))[:MAX_EXAMINED]
    tail = PHP * 20_000  # about 2 MB that would be PHP on its own
    assert decided(tail) == ("php", "model")
    assert detect(prefix + tail) == detect(prefix)


# --- bounded in time ------------------------------------------------------------------------
# A rule's searches must be linear in what it reads: a pattern that backtracks over a line or a
# run of blank space (quadratic) turns one 64 KB paste into minutes. Each shape below is the worst
# found for some search (what it used to cost is noted); it is timed against an ordinary paste of
# the same size, on the same machine at the same moment, never against a figure.

SLOWER_AT_MOST = 20  # times an ordinary input of the same size; a quadratic search is 100-1000x


def at_the_limit(shape, size=MAX_EXAMINED):
    """``size`` characters of ``shape``: a unit repeated, or (a start, then a unit repeated)."""
    start, unit = shape if isinstance(shape, tuple) else ("", shape)
    return (start + unit * (size // len(unit) + 1))[:size]


def best_of(call, times=3):
    """The shortest of a few runs of ``call()``: what it costs, less what the machine's load added."""
    return min(timed(call)[1] for _ in range(times))


WORST_SHAPES = {
    "an Emacs modeline line": "-*-",  # 4.8 s at 24 KB on the first line
    "an Emacs modeline with mode:": "-*- mode: ",
    "a Vim modeline line": "vim:",  # 27.7 s in Pygments' modeline search
    "one long word": "a",  # Go's \w+\s*:= (3 s at 16 KB)
    "one long number": "1",  # Pygments' Lasso CSS analyser
    "braces": "{",  # Pygments' Django analysers' {{.*?}} (3.4 s at 8 KB)
    "percent signs": "%",
    "blank lines": " \n",  # every ^\s* marker, and Pygments' ^\s*@import
    "short lines": "a\n",
    "annotations": "@a\n",  # Swift's (?:@\w+\s+)*func
    "modifiers": "public\n",  # Kotlin's and Swift's modifier lists
    "Elixir fn": "fn ",  # \bfn\s+[\w,\s{}%]*->
    "unclosed links": "[a](",  # Markdown's \[[^\]]+\]\([^)]+\)
    "unclosed tags": "<a",  # HTML's <tag\b[^>]*>
    "definitions": "def a(",
    "guards": ("def a(", ")when "),  # Elixir's def (?:\(.*\))?\s*(?:when\b.*)?,?\s*do (2 s at 16 KB)
    "variables": "$a",
    "escaped quotes": '"\\',
    "keys": "a: ",
    "assignments": "a :=",
    "typed declarations": "int ",  # C's `int *x =`, with blank runs on either side of the star
    "typed pointers": "int\t*",
    "modifiers before a type": "final ",
    "modifiers before a property": "private ",  # TypeScript's `private x: Y;`
    "paths in a comment": ("// ", "a/"),  # detect.named_files, in a text of comments only
    "file names in a comment": ("// ", "a.c "),
    "dotted words in a comment": ("# ", "a."),
}


@pytest.mark.parametrize("shape", WORST_SHAPES.values(), ids=WORST_SHAPES.keys())
@pytest.mark.parametrize("where", ["whole", "last line"])
def test_a_worst_shaped_input_is_detected_about_as_fast_as_an_ordinary_one(shape, where):
    ordinary = at_the_limit(PYTHON)
    hostile = at_the_limit(shape)
    if where == "last line":  # where Vim looks for a modeline too
        hostile = PYTHON + at_the_limit(shape, MAX_EXAMINED - len(PYTHON))
    detect(ordinary)  # the model is loaded once per process: not part of either figure
    baseline = best_of(lambda: detect(ordinary))
    cost = best_of(lambda: detect(hostile))
    assert cost <= SLOWER_AT_MOST * baseline, f"{cost:.3f} s, an ordinary input of its size {baseline:.3f} s"


@pytest.mark.parametrize("shape", WORST_SHAPES.values(), ids=WORST_SHAPES.keys())
def test_every_languages_markers_are_searched_about_as_fast_in_a_worst_shaped_input(shape):
    """``detect`` only searches the markers of the model's candidates: here every language is one."""
    every_language = [(language, 1.0 / len(structure.MARKERS)) for language in structure.MARKERS]
    ordinary, hostile = at_the_limit(PYTHON, structure.EXAMINED), at_the_limit(shape, structure.EXAMINED)
    baseline = best_of(lambda: structure.adjust(ordinary, every_language))
    cost = best_of(lambda: structure.adjust(hostile, every_language))
    assert cost <= SLOWER_AT_MOST * baseline, f"{cost:.3f} s, an ordinary input of its size {baseline:.3f} s"


@pytest.mark.parametrize("shape", WORST_SHAPES.values(), ids=WORST_SHAPES.keys())
def test_the_tokens_model_reads_a_worst_shaped_input_about_as_fast_as_an_ordinary_one(shape):
    model = tokens_model.load()
    ordinary, hostile = at_the_limit(PYTHON, tokens_model.EXAMINED), at_the_limit(shape, tokens_model.EXAMINED)
    baseline = best_of(lambda: model.scores(ordinary))
    cost = best_of(lambda: model.scores(hostile))
    assert cost <= SLOWER_AT_MOST * baseline, f"{cost:.3f} s, an ordinary input of its size {baseline:.3f} s"


def test_a_modeline_is_still_found_after_a_long_paste():
    """Only the ends are searched for a modeline (as Vim does), and those in full."""
    body = "x = 1\n" * (MAX_EXAMINED // 12)
    assert decided(body + "# vim: ft=ruby\n") == ("ruby", "modeline")
    assert decided("# -*- mode: ruby -*-\n" + body) == ("ruby", "modeline")
