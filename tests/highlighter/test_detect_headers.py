"""A text of comments only (the top of a file: a licence header) names no language by its code,
but it may still say it: Ruby's ``# frozen_string_literal:`` magic comment (which Ruby itself
reads: a modeline), or the file's own name (``src/backend/catalog/system_functions.sql``,
``blocksort.c``), which raises that language as a marker does (``structure.BOOST``); a URL or an
e-mail address is not a file name."""

from apps.highlighter.core import detect

APACHE = """#
#    Licensed under the Apache License, Version 2.0 (the "License");
#    you may not use this file except in compliance with the License.
#    You may obtain a copy of the License at
#
#        http://www.apache.org/licenses/LICENSE-2.0
#
#    Unless required by applicable law or agreed to in writing, software
#    distributed under the License is distributed on an "AS IS" BASIS,
#    WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
"""

BZIP2 = """
/*-------------------------------------------------------------*/
/*--- Block sorting machinery                               ---*/
/*---                                           blocksort.c ---*/
/*-------------------------------------------------------------*/

/* ------------------------------------------------------------------
   This file is part of bzip2/libbzip2, a program and library for
   lossless, block-sorting data compression.

   Copyright (C) 1996-2019 Julian Seward <jseward@acm.org>

   Please read the WARNING, DISCLAIMER and PATENTS sections in the
   README file.

   This program is released under the terms of the license contained
   in the file LICENSE.
   ------------------------------------------------------------------ */
"""


def test_rubys_magic_comment_names_ruby():
    header = "# frozen_string_literal: true\n\n#--\n# Copyright (C) Bob Aman\n" + APACHE + "#++\n"
    assert detect.detect(APACHE).lexer != "ruby"
    guess = detect.detect(header)
    assert (guess.lexer, guess.rule) == ("ruby", "modeline")
    assert detect.detect("x = 1\n# frozen_string_literal: true\n").rule == "modeline"
    assert detect.detect("# frozen_string_literal: maybe\n" + APACHE).rule != "modeline"
    for spelling in ("# frozen_string_literal: true\r\n", "# -*- frozen_string_literal: true -*-\n",
                     "# frozen-string-literal: false\n"):
        assert detect.detect(spelling + APACHE).lexer == "ruby", spelling


def test_a_licence_header_that_names_its_file_names_its_language():
    assert detect.named_files(BZIP2) == {"c"}
    named, unnamed = detect.detect(BZIP2), detect.detect(BZIP2.replace("blocksort.c", "blocksort  "))
    assert named.lexer == "c" and dict(named.candidates)["c"] > dict(unnamed.candidates).get("c", 0)


def test_urls_mail_addresses_and_domains_are_not_file_names():
    text = "// see https://example.com/a/b.py, www.example.org/x.rb and me@example.rs\n"
    assert detect.named_files(text) == set()
    assert detect.named_files("// src/main.rs and pkg/lib.go\n") >= {"rust", "go"}


def test_a_name_counts_as_a_path_or_alone_on_its_line_not_in_a_sentence():
    """In a sentence a name is as often a library's or a site's (Node.js, jquery.js, socket.io)."""
    assert detect.named_files("// Ported from jquery.js by the Node.js team, see example.sh\n") == set()
    assert detect.named_files("/*\n *   ViewController.swift\n */\n") == {"swift"}
    header = "// Copyright 2019 The Authors. All rights reserved.\n// Ported from jquery.js.\n"
    ranked = [("go", 0.7), ("javascript", 0.3)]
    assert detect.named_in_comments(header, ranked) == ranked


def test_only_the_first_file_names_are_read():
    text = "".join(f"// f{i}.c\n" for i in range(detect.NAMED_FILES)) + "// last.py\n"
    assert "c" in detect.named_files(text) and "python" not in detect.named_files(text)


def test_a_text_with_code_is_not_judged_by_the_names_in_its_comments():
    code = "// see settings.json and main.py\nfunction add(a, b) {\n  return a + b;\n}\nmodule.exports = add;\n"
    assert detect.detect(code).lexer == "javascript"
