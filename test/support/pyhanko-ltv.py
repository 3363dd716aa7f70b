"""PAdES validation by pyHanko with the document's own validation data and online fetching switched off, so
every CRL and OCSP response must come from the document (its DSS, ETSI EN 319 142-1 §5.4.2, and its CMS).
Per signature it runs `ades_with_time_validation` (ETSI EN 319 102-1 §5.5: signature timestamp + the DSS read as
local knowledge, at the given time). Not `ades_lta_validation` (§5.6.3, what `pyhanko sign adesverify` runs): it
answers NO_POE for B-LT, since only document timestamps (B-LTA) give the DSS material a proof of existence.
One JSON line per signature.

usage: python3 pyhanko-ltv.py ROOT.pem VALIDATION-TIME-ISO FILE.pdf...
"""
import asyncio
import json
import sys

from pyhanko.keys import load_cert_from_pemder
from pyhanko.pdf_utils.misc import isoparse
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.diff_analysis import DEFAULT_DIFF_POLICY
import dataclasses

from pyhanko.sign.validation.ades import _dss_to_local_knowledge, ades_with_time_validation
from pyhanko.sign.validation.status import PdfSignatureStatus
from pyhanko.sign.validation.policy_decl import (
    PdfSignatureValidationSpec,
    RevinfoOnlineFetchingRule,
    RevocationInfoGatheringSpec,
    SignatureValidationSpec,
)
from pyhanko_certvalidator.context import CertValidationPolicySpec
from pyhanko_certvalidator.authority import CertTrustAnchor
from pyhanko_certvalidator.ltv.types import ValidationTimingInfo
from pyhanko_certvalidator.policy_decl import REQUIRE_REVINFO, CertRevTrustPolicy, FreshnessReqType
from pyhanko_certvalidator.registry import SimpleTrustManager

root, at, paths = sys.argv[1], sys.argv[2], sys.argv[3:]
t = isoparse(at)
timing = ValidationTimingInfo(t, t, point_in_time_validation=True)
policy = CertValidationPolicySpec(
    trust_manager=SimpleTrustManager.build(trust_roots=[load_cert_from_pemder(root)]),
    revinfo_policy=CertRevTrustPolicy(REQUIRE_REVINFO, freshness=None, freshness_req_type=FreshnessReqType.MAX_DIFF_REVOCATION_VALIDATION),
)
spec = PdfSignatureValidationSpec(
    signature_validation_spec=SignatureValidationSpec(
        cert_validation_policy=policy,
        revinfo_gathering_policy=RevocationInfoGatheringSpec(online_fetching_rule=RevinfoOnlineFetchingRule.LOCAL_ONLY),
    ),
    diff_policy=DEFAULT_DIFF_POLICY,
)
for path in paths:
  with open(path, 'rb') as f:
      r = PdfFileReader(f)
      for sig in r.embedded_regular_signatures:
          sig.compute_integrity_info(diff_policy=DEFAULT_DIFF_POLICY)
          with_dss = dataclasses.replace(spec.signature_validation_spec, local_knowledge=_dss_to_local_knowledge(reader=r))
          wt = asyncio.run(ades_with_time_validation(
              signed_data=sig.signed_data, validation_spec=with_dss, timing_info=timing, raw_digest=sig.compute_digest(),
              extra_status_kwargs=sig.summarise_integrity_info(), status_cls=PdfSignatureStatus,
          ))
          print(json.dumps({
              'file': path,
              'withTime': wt.ades_subindic.status.name,
              'withTimeSubindication': wt.ades_subindic.name,
              'withTimeFailure': wt.failure_msg,
              'withTimeSignatureTime': wt.best_signature_time.isoformat() if wt.best_signature_time else None,
              'field': sig.field_name,
              'modification': wt.api_status.modification_level.name if wt.api_status and wt.api_status.modification_level else None,
          }))
