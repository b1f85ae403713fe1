/// The engine's version, printed by `gauntlet --version` and recorded in every result file.
public enum GauntletVersion {
  public static let string = "0.1.0"
}
