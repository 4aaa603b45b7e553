namespace NeuralPipelines.Data.IO;

/// <summary>Writes one output file so that readers see either the old file or the whole new one, never a half-written one,
/// and so that no output destroys what it should not (see <see cref="OutputTarget"/> and <see cref="OutputTransaction"/>,
/// which this is the one-file case of).</summary>
public static class AtomicFile
{
    /// <summary>Calls <paramref name="write"/> on a temporary file beside <paramref name="path"/> (or beside a symlink's
    /// target), fsyncs it, renames it into place and fsyncs the folder. A character device or FIFO is written in place.
    /// If <paramref name="write"/> throws, the temporary file is deleted and <paramref name="path"/> is untouched.</summary>
    public static void Write(string path, Action<Stream> write)
    {
        using var transaction = new OutputTransaction();
        transaction.Add(path, write);
        transaction.Commit();
    }

    public static void WriteAllText(string path, string text) =>
        Write(path, s => { using var w = new StreamWriter(s, leaveOpen: true); w.Write(text); });

    public static void WriteAllBytes(string path, byte[] bytes) => Write(path, s => s.Write(bytes));

    /// <summary>Makes <paramref name="path"/> a whole copy of <paramref name="from"/>, streamed (a model's size in memory is
    /// never held twice), with the same guarantees as <see cref="Write"/>.</summary>
    public static void Copy(string from, string path) => Write(path, s =>
    {
        using var source = new FileStream(from, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        source.CopyTo(s);
    });
}
