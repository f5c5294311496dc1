import Foundation

/// Reads sharedStrings.xml: each `<si>` is the concatenation of its `<t>` texts, including rich
/// text runs (`<r><t>`), excluding phonetic guides (`<rPh>`), which are not part of the value.
struct SharedStringsHandler: XMLHandler {
    var strings: [String] = []
    private var inItem = false
    private var inPhonetic = false
    private var inText = false
    private var buffer: [UInt8] = []

    mutating func startElement(_ name: XMLBytes, _ attributes: XMLAttributes) throws {
        if name.equals("si") {
            inItem = true
            buffer.removeAll(keepingCapacity: true)
        } else if name.equals("rPh") {
            inPhonetic = true
        } else if name.equals("t") && inItem && !inPhonetic {
            inText = true
        } else if name.equals("sst"), let count = attributes.value("uniqueCount")?.decimalValue {
            // A hint only: capped so a lying count cannot make us reserve gigabytes.
            strings.reserveCapacity(min(count, 1 << 20))
        }
    }

    mutating func endElement(_ name: XMLBytes) throws {
        if name.equals("si") {
            inItem = false
            strings.append(XMLText.decodeOOXMLEscapes(String(decoding: buffer, as: UTF8.self)))
        } else if name.equals("rPh") {
            inPhonetic = false
        } else if name.equals("t") {
            inText = false
        }
    }

    mutating func text(_ raw: XMLBytes) throws {
        if inText { XMLText.appendDecoded(raw, to: &buffer) }
    }

    mutating func cdata(_ raw: XMLBytes) throws {
        if inText { buffer.append(contentsOf: UnsafeBufferPointer(start: raw.start, count: raw.count)) }
    }
}
