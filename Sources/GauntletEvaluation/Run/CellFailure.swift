/// A cell that threw: which cell, and why. Finished cells stay in the output folder; rerunning the
/// command after fixing the cause resumes from there.
public struct CellFailure: Error, CustomStringConvertible {
  public var cell: String
  public var underlying: any Error
  public var description: String {
    "cell '\(cell)' failed: \(underlying)\n(finished cells are kept; fix the cause and rerun the same command to resume)"
  }
}
