import Foundation

/// What a voxel of the tissue segmentation is, after mapping its label (docs/definitions.md, Inputs and Tissue class).
public enum Tissue: Sendable, Equatable {
    /// Label 0: outside the brain.
    case background
    case csf
    /// Cortical grey matter.
    case cgm
    /// White matter.
    case wm
    /// Deep grey matter (basal ganglia, thalamus).
    case dgm
    /// Any other non-zero label: inside the brain, not CSF.
    case otherBrain

    /// Inside the brain (label ≠ 0).
    public var isBrain: Bool { self != .background }
}

/// The label values of a discrete tissue segmentation. Default: 0 background, 1 CSF,
/// 2 cortical GM, 3 WM, 4 deep GM; `--tissue-labels csf=1,cgm=2,wm=3,dgm=4` changes it.
public struct TissueLabels: Sendable, Equatable, Codable, CustomStringConvertible {
    public var csf: Int32
    public var cgm: Int32
    public var wm: Int32
    public var dgm: Int32

    /// The default mapping 1 CSF, 2 CGM, 3 WM, 4 DGM.
    public static let standard = TissueLabels(csf: 1, cgm: 2, wm: 3, dgm: 4)

    public init(csf: Int32, cgm: Int32, wm: Int32, dgm: Int32) {
        self.csf = csf
        self.cgm = cgm
        self.wm = wm
        self.dgm = dgm
    }

    /// Parses `csf=1,cgm=2,wm=3,dgm=4`: every class once, distinct positive integers.
    /// Throws a message naming what is wrong.
    public init(parsing text: String) throws(LabelMappingError) {
        var found: [String: Int32] = [:]
        for part in text.split(separator: ",") {
            let kv = part.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard kv.count == 2, ["csf", "cgm", "wm", "dgm"].contains(kv[0]) else {
                throw LabelMappingError(message: "'\(part)' is not one of csf=N, cgm=N, wm=N, dgm=N")
            }
            guard let value = Int32(kv[1]), value > 0 else {
                throw LabelMappingError(message: "'\(part)': the label must be a positive integer")
            }
            guard found[kv[0]] == nil else { throw LabelMappingError(message: "\(kv[0]) is given twice") }
            found[kv[0]] = value
        }
        guard let csf = found["csf"], let cgm = found["cgm"], let wm = found["wm"], let dgm = found["dgm"] else {
            throw LabelMappingError(message: "all of csf, cgm, wm and dgm must be given (e.g. csf=1,cgm=2,wm=3,dgm=4)")
        }
        guard Set([csf, cgm, wm, dgm]).count == 4 else {
            throw LabelMappingError(message: "the four labels must be different")
        }
        self.init(csf: csf, cgm: cgm, wm: wm, dgm: dgm)
    }

    /// The tissue of a (rounded) label value.
    @inlinable
    public func tissue(of label: Int32) -> Tissue {
        if label == 0 { return .background }
        if label == wm { return .wm }
        if label == cgm { return .cgm }
        if label == dgm { return .dgm }
        if label == csf { return .csf }
        return .otherBrain
    }

    /// `csf=1,cgm=2,wm=3,dgm=4`.
    public var description: String { "csf=\(csf),cgm=\(cgm),wm=\(wm),dgm=\(dgm)" }
}

/// A `--tissue-labels` value that cannot be parsed.
public struct LabelMappingError: Error, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}
