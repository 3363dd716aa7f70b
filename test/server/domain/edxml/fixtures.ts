import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseAgencyCode } from '../../../../server/domain/agency/index.js';
import { isDomainError } from '../../../../server/domain/errors.js';
import type { EdocPackage, StatusPackage } from '../../../../server/domain/edxml/index.js';

/** test/vectors/edxml/, resolved from dist/test/server/domain/edxml/. */
/** The code and details.path of the DomainError `fn` throws ({} when it throws nothing). */
export function errorOf(fn: () => unknown): { code?: string; path?: unknown } {
  try {
    fn();
  } catch (e) {
    if (isDomainError(e)) return { code: e.code, path: e.details?.['path'] };
    return { code: `not a DomainError: ${String(e)}` };
  }
  return {};
}

export const text = (b: Uint8Array): string => new TextDecoder().decode(b);
export const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);

export const VECTORS = fileURLToPath(new URL('../../../../../test/vectors/edxml/', import.meta.url));

export function vector(name: string): Uint8Array {
  return new Uint8Array(readFileSync(VECTORS + name));
}

const G22 = parseAgencyCode('000.00.00.G22');
const G12 = parseAgencyCode('000.00.00.G12');
const H27 = parseAgencyCode('000.00.00.H27');
const H27_NOI_VU = parseAgencyCode('000.00.01.H27');

/** Deterministic bytes that are not valid UTF-8 and hold every byte value. */
export function binaryBytes(n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = (i * 131 + 7) & 0xff;
  return out;
}

/** A package with every field the model holds, two attachments (one raw, one zipped). */
export function fullPackage(): EdocPackage {
  return {
    MessageHeader: {
      From: {
        OrganId: H27,
        OrganizationInCharge: 'Ủy ban nhân dân tỉnh Hà Tĩnh',
        OrganName: 'Ủy ban nhân dân tỉnh Hà Tĩnh',
        OrganAdd: 'Số 1 Nguyễn Tất Thành, TP Hà Tĩnh',
        Email: 'ubnd@example.invalid',
        Telephone: '0239.000000',
        Fax: '0239.000001',
        Website: 'https://example.invalid',
      },
      To: [
        { OrganId: G22, OrganName: 'Văn phòng Chính phủ' },
        { OrganId: G12, OrganName: 'Bộ Tài chính', Email: 'vanthu@example.invalid' },
      ],
      DocumentId: '000.00.00.H27,2024/12/31,45/UBND-NC',
      Code: { CodeNumber: '45', CodeNotation: 'UBND-NC' },
      PromulgationInfo: { Place: 'Hà Tĩnh', PromulgationDate: '2024/12/31' },
      DocumentType: { Type: 1, TypeDetail: 2, TypeName: 'Quyết định' },
      Subject: 'Về việc <ban hành> quy chế & "quy trình" gửi nhận văn bản điện tử',
      Content: 'Dòng 1\nDòng 2\twith tab',
      SignerInfo: { Competence: 'TM. ỦY BAN NHÂN DÂN', Position: 'CHỦ TỊCH', FullName: 'Lê Văn C' },
      DueDate: '2025/01/15',
      ToPlaces: ['Như Điều 3', 'Lưu: VT, NC'],
      OtherInfo: {
        Priority: 4,
        SphereOfPromulgation: 'Toàn tỉnh',
        TyperNotation: 'NC',
        PromulgationAmount: 10,
        PageAmount: 3,
        Direction: true,
        Appendixes: ['Phụ lục I', 'Phụ lục II'],
      },
      ResponseFor: [{ OrganId: G22, Code: '123/VPCP-KSTT', PromulgationDate: '2024/05/02', DocumentId: '000.00.00.G22,2024/05/02,123/VPCP-KSTT' }],
      SteeringType: 3,
    },
    TraceHeaderList: {
      TraceHeader: [
        { OrganId: H27_NOI_VU, Timestamp: '2024/12/31 08:00:00' },
        { OrganId: H27, Timestamp: '2024/12/31 23:59:59' },
      ],
      Bussiness: {
        BussinessDocType: 3,
        BussinessDocReason: 'Thay thế văn bản ban hành nhầm',
        DocumentId: '000.00.00.H27,2024/12/30,44/UBND-NC',
        Paper: 1,
        StaffInfo: { Department: 'Văn phòng', Staff: 'Phạm Thị D', Mobile: '0900000001', Email: 'd@example.invalid' },
      },
    },
    Attachments: [
      { ContentId: 'cid:attachment-1', AttachmentName: '45-UBND-NC.pdf', ContentType: 'application/pdf', Description: 'Quyết định', Content: binaryBytes(5000), Zipped: false },
      { ContentId: 'cid:attachment-2', AttachmentName: 'phu-luc.docx', ContentType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', Content: binaryBytes(20000), Zipped: true },
    ],
  };
}

/** The fewest fields the standard requires. */
export function minimalPackage(): EdocPackage {
  return {
    MessageHeader: {
      From: { OrganId: G22, OrganName: 'Văn phòng Chính phủ' },
      To: [{ OrganId: G12, OrganName: 'Bộ Tài chính' }],
      DocumentId: '000.00.00.G22,2024/02/29,1/VPCP-TH',
      Code: { CodeNumber: '1', CodeNotation: 'VPCP-TH' },
      PromulgationInfo: { Place: 'Hà Nội', PromulgationDate: '2024/02/29' },
      DocumentType: { Type: 1, TypeName: 'Công văn' },
      Subject: 'Trích yếu',
      SignerInfo: { FullName: 'Nguyễn Văn A' },
      ToPlaces: [],
      OtherInfo: { Priority: 0 },
      ResponseFor: [],
    },
    TraceHeaderList: { TraceHeader: [], Bussiness: { BussinessDocType: 0, Paper: 0 } },
    Attachments: [],
  };
}

export function statusPackage(): StatusPackage {
  return {
    From: { OrganId: G12, OrganName: 'Bộ Tài chính' },
    ResponseFor: { OrganId: G22, Code: '123/VPCP-KSTT', PromulgationDate: '2024/05/02', DocumentId: '000.00.00.G22,2024/05/02,123/VPCP-KSTT' },
    StaffInfo: { Department: 'Văn phòng Bộ', Staff: 'Hoàng Văn E' },
    StatusCode: '03',
    Description: 'Đã tiếp nhận',
    Timestamp: '2024/05/02 10:30:00',
  };
}
