"""Fixtures every test module can use; each lives in its own module under `tests/fixtures/`.

`pipeline` (session): the embedded stack, the sample policy book and every agent as real
processes. Modules that need a service of their own import its fixture from
`tests.fixtures.postgres`, `tests.fixtures.milvus` or `tests.fixtures.llm`.
"""

pytest_plugins = ["tests.fixtures.pipeline"]
