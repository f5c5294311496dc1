import Foundation

/// The workbook's shared strings, and those whose text could not be read as written. A bad
/// string is refused only when a cell uses it, so the error can name the sheet and the cell.
struct SharedStringTable: Sendable, ExpressibleByArrayLiteral {
    var strings: [String] = []
    /// Index → what was wrong with that string (its slot in `strings` holds "").
    var problems: [Int: XMLTextError] = [:]

    init() {}

    init(arrayLiteral elements: String...) { strings = elements }
}

/// Reads sharedStrings.xml: each `<si>` is the concatenation of its `<t>` texts, including rich
/// text runs (`<r><t>`), excluding phonetic guides (`<rPh>`), which are not part of the value.
struct SharedStringsHandler: XMLHandler {
    var table = SharedStringTable()
    private var inItem = false
    private var inPhonetic = false
    private var inText = false
    private var buffer: [UInt8] = []
    /// What is wrong with the current item's text, once something is.
    private var problem: XMLTextError?

    mutating func startElement(_ name: XMLBytes, _ attributes: XMLAttributes) throws {
        if name.equals("si") {
            inItem = true
            buffer.removeAll(keepingCapacity: true)
            problem = nil
        } else if name.equals("rPh") {
            inPhonetic = true
        } else if name.equals("t") && inItem && !inPhonetic {
            inText = true
        } else if name.equals("sst"), let count = attributes.value("uniqueCount")?.decimalValue {
            // A hint only: capped so a lying count cannot make us reserve gigabytes.
            table.strings.reserveCapacity(min(count, 1 << 20))
        }
    }

    mutating func endElement(_ name: XMLBytes) throws {
        if name.equals("si") {
            inItem = false
            if problem == nil {
                do {
                    table.strings.append(XMLText.decodeOOXMLEscapes(try XMLText.string(buffer)))
                    return
                } catch {
                    problem = error
                }
            }
            if let problem { table.problems[table.strings.count] = problem }
            table.strings.append("")
        } else if name.equals("rPh") {
            inPhonetic = false
        } else if name.equals("t") {
            inText = false
        }
    }

    mutating func text(_ raw: XMLBytes) throws {
        guard inText, problem == nil else { return }
        do { try XMLText.appendDecoded(raw, to: &buffer) } catch { problem = error }
    }

    mutating func cdata(_ raw: XMLBytes) throws {
        if inText { buffer.append(contentsOf: UnsafeBufferPointer(start: raw.start, count: raw.count)) }
    }
}
