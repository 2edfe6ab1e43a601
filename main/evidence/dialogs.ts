/** Native dialogs the desktop host offers evidence features; web and CLI mode have none. */
export interface EvidenceDialogs {
  /** Native "save as"; null when the operator cancels. */
  saveFile(options: { defaultPath: string; filters: Array<{ name: string; extensions: string[] }> }): Promise<string | null>;
  /** Native folder picker; null when the operator cancels. */
  chooseFolder(options: { defaultPath: string; title: string }): Promise<string | null>;
}
