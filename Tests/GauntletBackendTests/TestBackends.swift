import Gauntlet

/// The backends the conformance and backend tests run on. Instances are shared (built once, lazily)
/// so that tests running in parallel do not each set up a device.
enum TestBackends {
  private static let sharedCPU = CPUBackend()

  /// The default CPU backend (all cores).
  static func cpu() -> CPUBackend { sharedCPU }
}
