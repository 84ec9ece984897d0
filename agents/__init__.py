"""ClaimFlow's domain: the agents, the libraries they share, and the operator tools.

- One package per agent (`retriever`, `faiss_worker`, `extractor`, `validator`, `reporter`,
  `auditor`): its handler and what only that agent uses. `topology.yaml` names the handlers.
- Shared libraries, named for what they do: `documents` (reading PDFs and images, OCR),
  `redaction` (PII), `extraction` (claim fields from text), `retrieval` (embeddings and
  the clause index), `assessment` (business rules and confidence), `stores` (policy book,
  reports, clause vectors), `intake` (submitting claims), and `events` (the typed events).
  A library never imports an agent.
- `tools`: the CLI commands, demo, sample corpora, evaluations and benchmark. Nothing in
  the runtime imports it; its dependencies come with the `tools` extra.

These rules are contracts checked by import-linter (`pyproject.toml`, `make lint`).
"""
