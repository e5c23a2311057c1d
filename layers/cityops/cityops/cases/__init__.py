"""Cases (kiến nghị cử tri, khiếu nại, tố cáo): voter petitions, complaints and denunciations
from intake to answer, under the legal time limits, with the denunciator's identity kept in
the IdentityVault. See docs/cases.md.

- `record`, `domain`: the case (`Case`), its fields and what officials do to it;
- `workflow`: one state machine per kind; `pipeline`: who sees and who may, the one way a
  case changes; `store`: the table (`CaseStore`, `TimeLimitStore`), `vault`: the identity;
- use cases: `intake`, `tracking` (the public), `petition_import`, `handling`, `reads`,
  `stats`, `time_limits` (the directory is read through `cityops.directory.port`);
- `models` (requests), `replies` (what the API shows), `rules` (time limits as data),
  `identity` (pseudonyms, redaction), `importer` (reading compiled lists).
"""
