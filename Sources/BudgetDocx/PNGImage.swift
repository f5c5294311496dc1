/// A small RGB raster and its PNG encoding, for pictures the program draws itself (the structure
/// chart). The image data is stored in uncompressed deflate blocks: no compression library is
/// needed, and the .docx's ZIP deflates the picture anyway (see `DocxWriter.zip`).
public struct PNGImage: Sendable, Equatable {
    public let width: Int, height: Int
    /// RGB, 3 bytes a pixel, rows top to bottom.
    public var pixels: [UInt8]

    /// Limits: at most 4096 × 4096 pixels.
    public static let maxSide = 4096

    public init(width: Int, height: Int, fill: (r: UInt8, g: UInt8, b: UInt8) = (255, 255, 255)) throws(DocxError) {
        guard (1...PNGImage.maxSide).contains(width), (1...PNGImage.maxSide).contains(height) else {
            throw DocxError("图片尺寸 \(width)×\(height) 像素不在 1 到 \(PNGImage.maxSide) 之间")
        }
        self.width = width; self.height = height
        pixels = [UInt8](repeating: 0, count: width * height * 3)
        for i in 0..<(width * height) { pixels[3 * i] = fill.r; pixels[3 * i + 1] = fill.g; pixels[3 * i + 2] = fill.b }
    }

    public mutating func set(_ x: Int, _ y: Int, _ c: (r: UInt8, g: UInt8, b: UInt8)) {
        guard x >= 0, y >= 0, x < width, y < height else { return }
        let i = 3 * (y * width + x)
        pixels[i] = c.r; pixels[i + 1] = c.g; pixels[i + 2] = c.b
    }

    /// The PNG file: signature, IHDR, one IDAT, IEND.
    public var pngData: [UInt8] {
        var raw: [UInt8] = []
        raw.reserveCapacity(height * (1 + 3 * width))
        for y in 0..<height {
            raw.append(0) // filter: none
            raw.append(contentsOf: pixels[(3 * y * width)..<(3 * (y + 1) * width)])
        }
        var z: [UInt8] = [0x78, 0x01]
        var i = 0
        repeat {
            let n = min(65_535, raw.count - i)
            let last: UInt8 = i + n >= raw.count ? 1 : 0
            z.append(last)
            z.append(UInt8(n & 0xFF)); z.append(UInt8(n >> 8))
            z.append(UInt8(~n & 0xFF)); z.append(UInt8((~n >> 8) & 0xFF))
            z.append(contentsOf: raw[i..<(i + n)])
            i += n
        } while i < raw.count
        z += PNGImage.be32(PNGImage.adler32(raw))
        var out: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        var ihdr = PNGImage.be32(UInt32(width)) + PNGImage.be32(UInt32(height))
        ihdr += [8, 2, 0, 0, 0] // 8-bit RGB, deflate, no filter method, no interlace
        PNGImage.chunk("IHDR", ihdr, into: &out)
        PNGImage.chunk("IDAT", z, into: &out)
        PNGImage.chunk("IEND", [], into: &out)
        return out
    }

    static func chunk(_ type: String, _ data: [UInt8], into out: inout [UInt8]) {
        out += be32(UInt32(data.count))
        let typed = Array(type.utf8) + data
        out += typed
        out += be32(crc32(typed))
    }

    static func be32(_ v: UInt32) -> [UInt8] { [UInt8(v >> 24), UInt8((v >> 16) & 0xFF), UInt8((v >> 8) & 0xFF), UInt8(v & 0xFF)] }

    static let crcTable: [UInt32] = (0..<256).map { n in
        var c = UInt32(n)
        for _ in 0..<8 { c = (c & 1) != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }

    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var c: UInt32 = 0xFFFF_FFFF
        for b in bytes { c = crcTable[Int((c ^ UInt32(b)) & 0xFF)] ^ (c >> 8) }
        return c ^ 0xFFFF_FFFF
    }

    static func adler32(_ bytes: [UInt8]) -> UInt32 {
        var a: UInt32 = 1, b: UInt32 = 0
        for x in bytes { a = (a + UInt32(x)) % 65_521; b = (b + a) % 65_521 }
        return (b << 16) | a
    }
}
