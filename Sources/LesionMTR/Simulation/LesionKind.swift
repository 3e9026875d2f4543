/// Where a simulated lesion is seeded and which tissue it may grow into.
public enum LesionKind: String, Encodable, Sendable, CaseIterable {
    /// White matter touching the ventricles.
    case periventricular
    /// White matter away from CSF and cortex.
    case deepWhiteMatter = "deep_wm"
    /// White matter next to the cortex.
    case juxtacortical
    /// Cortical grey matter.
    case cortical
    /// Deep grey matter (basal ganglia, thalamus).
    case deepGrey = "deep_gm"

    /// The tissue class a lesion of this kind belongs to (`wm`, `cgm`, `dgm`).
    public var tissueClass: String {
        switch self {
        case .periventricular, .deepWhiteMatter, .juxtacortical: "wm"
        case .cortical: "cgm"
        case .deepGrey: "dgm"
        }
    }
}
