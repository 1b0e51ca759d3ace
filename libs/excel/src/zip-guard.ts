import { text, type LocalizedText } from '#domain';

// An .xlsx is a zip archive, and exceljs inflates all of it into memory. A few kilobytes of zip can
// inflate to gigabytes, so the archive's own directory is read first and an archive that would
// inflate past the limit, or that is not a plain zip at all, is refused before exceljs sees it.

/** What the parts of one workbook may inflate to, together. */
export const MAX_INFLATED_BYTES = 100 * 1024 * 1024;
export const MAX_ZIP_ENTRIES = 5_000;

const EOCD_SIGNATURE = 0x06054b50;
const CENTRAL_SIGNATURE = 0x02014b50;

export function checkWorkbookArchive(bytes: Buffer): LocalizedText | null {
  if (bytes.length < 22 || bytes.readUInt32LE(0) !== 0x04034b50) {
    return text('文件不是 .xlsx 工作簿（Excel 2007 及以后的格式）；.xls 请先另存为 .xlsx', 'the file is not an .xlsx workbook (Excel 2007 or later); save an .xls as .xlsx first');
  }
  let eocd = -1;
  for (let at = bytes.length - 22; at >= Math.max(0, bytes.length - 22 - 0xffff); at--) {
    if (bytes.readUInt32LE(at) === EOCD_SIGNATURE) {
      eocd = at;
      break;
    }
  }
  if (eocd < 0) return text('工作簿文件已损坏（找不到 zip 目录）', 'the workbook file is damaged (no zip directory)');
  const entries = bytes.readUInt16LE(eocd + 10);
  const directoryOffset = bytes.readUInt32LE(eocd + 16);
  if (entries === 0xffff || directoryOffset === 0xffffffff) return text('不支持 ZIP64 格式的工作簿', 'ZIP64 workbooks are not supported');
  if (entries > MAX_ZIP_ENTRIES) return text(`工作簿包含的部件过多（${entries}）`, `the workbook has too many parts (${entries})`);
  let at = directoryOffset;
  let inflated = 0;
  for (let i = 0; i < entries; i++) {
    if (at + 46 > bytes.length || bytes.readUInt32LE(at) !== CENTRAL_SIGNATURE) return text('工作簿文件已损坏（zip 目录不完整）', 'the workbook file is damaged (broken zip directory)');
    inflated += bytes.readUInt32LE(at + 24);
    if (inflated > MAX_INFLATED_BYTES) {
      return text(`工作簿解压后超过 ${MAX_INFLATED_BYTES / 1024 / 1024} MiB，请拆分后导入`, `the workbook inflates past ${MAX_INFLATED_BYTES / 1024 / 1024} MiB; split it`);
    }
    at += 46 + bytes.readUInt16LE(at + 28) + bytes.readUInt16LE(at + 30) + bytes.readUInt16LE(at + 32);
  }
  return null;
}
