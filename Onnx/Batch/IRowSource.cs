namespace NeuralPipelines.Onnx.Batch;

/// <summary>An input to score, read a chunk at a time: a CSV, an IDX file, an image folder.</summary>
/// <remarks><see cref="Fill"/> and <see cref="Gather"/> are called from one thread (a run's reader), never concurrently;
/// <see cref="Decode"/> from several.</remarks>
public interface IRowSource : IDisposable
{
    /// <summary>The file or folder read, for messages.</summary>
    string Source { get; }

    /// <summary>"csv", "idx" or "images".</summary>
    string Kind { get; }

    /// <summary>Whether rows carry an item name (images: the file) to write beside the predictions.</summary>
    bool HasItems { get; }

    /// <summary>Whether rows carry a known label to write beside the predictions.</summary>
    bool HasLabels { get; }

    /// <summary>How much of the input has been read, 0 to 1.</summary>
    double Fraction { get; }

    /// <summary>Appends the next rows that belong to <paramref name="shard"/> to the (cleared) chunk, up to its capacity;
    /// items that cannot be read go to <see cref="RowChunk.Errors"/> instead. False when the input is exhausted.</summary>
    bool Fill(RowChunk chunk, Shard shard);

    /// <summary>As <see cref="Fill"/>, except that rows may be left undecoded (in <see cref="RowChunk.Text"/>) for
    /// <see cref="Decode"/>; each row's index, and its errors, are set here. A batch run calls this on its reading thread
    /// and <see cref="Decode"/> on its scoring threads, so that decoding (a CSV's parse) spreads over the cores. Sources
    /// that decode as they read need not implement either.</summary>
    bool Gather(RowChunk chunk, Shard shard) => Fill(chunk, shard);

    /// <summary>Decodes rows [<paramref name="start"/>, <paramref name="start"/> + <paramref name="count"/>) of a chunk
    /// that <see cref="Gather"/> filled into model inputs (and labels). Called for disjoint ranges of one chunk from
    /// several threads at once.</summary>
    /// <exception cref="Exception">A row that cannot be read (a CSV's <c>CsvFormatException</c>), naming the input and line, as
    /// <see cref="Fill"/> would have thrown it.</exception>
    void Decode(RowChunk chunk, int start, int count) { }
}
