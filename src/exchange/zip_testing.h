// For tests only: zip files written byte by byte, including those no honest writer makes
// (an entry whose headers claim any uncompressed size, in zip64 too) and deflate bombs
// built a chunk at a time, so the test itself never holds the inflated bytes. Needs zlib.
#pragma once

#include <zlib.h>

#include <cstdint>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

namespace fupin::testing {

struct RawZipEntry {
  std::string name;
  std::string data;  // the bytes as stored (deflated when method is 8)
  uint16_t method = 0;
  uint32_t crc = 0;
  uint64_t size = 0;   // the uncompressed size the headers claim
  bool zip64 = false;  // sizes in a zip64 extra field
};

// Raw deflate (no zlib header) of `chunk_count` copies of `chunk`, with the CRC-32 of the
// whole; memory: the compressed output only.
inline RawZipEntry DeflatedRepeat(std::string name, std::string_view chunk, uint64_t chunk_count) {
  RawZipEntry entry{std::move(name), {}, 8, 0, chunk.size() * chunk_count, false};
  z_stream z{};
  deflateInit2(&z, 9, Z_DEFLATED, -15, 9, Z_DEFAULT_STRATEGY);
  std::string out(1 << 16, '\0');
  uLong crc = crc32(0, nullptr, 0);
  for (uint64_t i = 0; i <= chunk_count; ++i) {
    const bool last = i == chunk_count;
    if (!last) crc = crc32(crc, reinterpret_cast<const Bytef*>(chunk.data()), chunk.size());
    z.next_in = last ? nullptr : reinterpret_cast<Bytef*>(const_cast<char*>(chunk.data()));
    z.avail_in = last ? 0 : static_cast<uInt>(chunk.size());
    int status = Z_OK;
    do {
      z.next_out = reinterpret_cast<Bytef*>(out.data());
      z.avail_out = static_cast<uInt>(out.size());
      status = deflate(&z, last ? Z_FINISH : Z_NO_FLUSH);
      entry.data.append(out.data(), out.size() - z.avail_out);
    } while (z.avail_out == 0 || (last && status != Z_STREAM_END));
  }
  deflateEnd(&z);
  entry.crc = static_cast<uint32_t>(crc);
  return entry;
}

inline RawZipEntry Deflated(std::string name, std::string_view content) {
  return DeflatedRepeat(std::move(name), content, 1);
}

namespace internal {
inline void Put(std::string& out, uint64_t value, int bytes) {
  for (int i = 0; i < bytes; ++i) out += static_cast<char>((value >> (8 * i)) & 0xFF);
}
}  // namespace internal

// Writes `entries` as a zip file at `path`; false when it cannot be written.
inline bool WriteRawZip(const std::string& path, const std::vector<RawZipEntry>& entries) {
  using internal::Put;
  std::string file, directory;
  for (const RawZipEntry& e : entries) {
    std::string extra;
    if (e.zip64) {
      Put(extra, 0x0001, 2);
      Put(extra, 16, 2);
      Put(extra, e.size, 8);
      Put(extra, e.data.size(), 8);
    }
    const uint64_t size32 = e.zip64 ? 0xFFFFFFFF : e.size & 0xFFFFFFFF;
    const uint64_t compressed32 = e.zip64 ? 0xFFFFFFFF : e.data.size();
    const uint16_t version = e.zip64 ? 45 : 20;
    const uint64_t offset = file.size();
    Put(file, 0x04034b50, 4);
    Put(file, version, 2);
    Put(file, 0x0800, 2);  // UTF-8 names
    Put(file, e.method, 2);
    Put(file, 0, 2);
    Put(file, 0x21, 2);  // 1980-01-01
    Put(file, e.crc, 4);
    Put(file, compressed32, 4);
    Put(file, size32, 4);
    Put(file, e.name.size(), 2);
    Put(file, extra.size(), 2);
    file += e.name + extra + e.data;

    Put(directory, 0x02014b50, 4);
    Put(directory, version, 2);
    Put(directory, version, 2);
    Put(directory, 0x0800, 2);
    Put(directory, e.method, 2);
    Put(directory, 0, 2);
    Put(directory, 0x21, 2);
    Put(directory, e.crc, 4);
    Put(directory, compressed32, 4);
    Put(directory, size32, 4);
    Put(directory, e.name.size(), 2);
    Put(directory, extra.size(), 2);
    Put(directory, 0, 2);  // comment
    Put(directory, 0, 2);  // disk
    Put(directory, 0, 2);  // internal attributes
    Put(directory, 0, 4);  // external attributes
    Put(directory, offset, 4);
    directory += e.name + extra;
  }
  const uint64_t directory_offset = file.size();
  file += directory;
  Put(file, 0x06054b50, 4);
  Put(file, 0, 2);
  Put(file, 0, 2);
  Put(file, entries.size(), 2);
  Put(file, entries.size(), 2);
  Put(file, directory.size(), 4);
  Put(file, directory_offset, 4);
  Put(file, 0, 2);
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(file.data(), static_cast<std::streamsize>(file.size()));
  return static_cast<bool>(out);
}

// The smallest workbook: one sheet "户表" at xl/worksheets/sheet1.xml (no relationships),
// whose entry is `sheet`; callers set its claimed size or replace its data.
inline std::vector<RawZipEntry> MinimalWorkbook(RawZipEntry sheet) {
  std::vector<RawZipEntry> entries;
  entries.push_back(Deflated("xl/workbook.xml",
                             R"(<?xml version="1.0" encoding="UTF-8"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheets><sheet name="户表" sheetId="1"/></sheets></workbook>)"));
  sheet.name = "xl/worksheets/sheet1.xml";
  entries.push_back(std::move(sheet));
  return entries;
}

// A sheet's XML around `rows`.
inline std::string SheetXml(std::string_view rows) {
  return std::string(R"(<?xml version="1.0" encoding="UTF-8"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>)") +
         std::string(rows) + "</sheetData></worksheet>";
}

}  // namespace fupin::testing
