/** The role of a signature in Decree 30/2020 Appendix I. */
export type PdfSignatureRole = 'signer' | 'seal' | 'attachment';

/** How a signature looks on the page (Decree 30/2020 Appendix I). All sizes in PDF points (1/72 inch). */
export interface PdfAppearanceOptions {
  /** 1-based page. Default: the last page for `signer` and `seal`, page 1 for `attachment`. */
  readonly page?: number;
  /** [x, y, width, height] from the lower-left corner of the page as displayed (after /Rotate). Default per role. */
  readonly rect?: readonly [number, number, number, number];
  /** PNG with transparency: the person's handwritten signature (blue) or the agency's seal (red). */
  readonly image?: Uint8Array;
  /**
   * A TrueType/OpenType font with Vietnamese glyphs; a subset of it is embedded. Required for any text beyond
   * Latin-1 (the CLI and server pass Be Vietnam Pro from the npm package @expo-google-fonts/be-vietnam-pro).
   */
  readonly font?: Uint8Array;
  /** `signer`: the person's full name (default: the certificate's CN). `seal`/`attachment`: the agency's name (default: CN). */
  readonly name?: string;
  /** `signer`: the competence line above the image (e.g. "KT. BỘ TRƯỞNG"), shown in capitals. */
  readonly title?: string;
  /** `signer`: the position line under the competence (e.g. "Thứ trưởng"), shown in capitals (Decree 30/2020 Appendix I). */
  readonly position?: string;
  /** `attachment`: the document's number/notation (e.g. "123/VPCP-KSTT"). */
  readonly documentNumber?: string;
  /** `seal`: diameter of the seal in points. Default 113 (≈ 40 mm, a real seal's size). */
  readonly sealSize?: number;
}
