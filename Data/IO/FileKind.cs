namespace NeuralPipelines.Data.IO;

/// <summary>What a path names, as the file system says (stat's file type).</summary>
public enum FileKind { Regular, Directory, Symlink, CharacterDevice, BlockDevice, Fifo, Socket, Other }
