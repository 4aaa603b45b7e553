namespace NeuralPipelines.Onnx.Batch;

/// <summary>An input to score, read a chunk at a time: a CSV, an IDX file, an image folder.</summary>
/// <remarks><see cref="Fill"/> is called from one thread (a run's reader), never concurrently.</remarks>
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
}
