"""Cases (kiến nghị cử tri, khiếu nại, tố cáo): voter petitions, complaints and denunciations
from intake to answer, under the legal time limits, with the denunciator's identity kept in
the IdentityVault. See docs/cases.md."""
