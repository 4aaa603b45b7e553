using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using NeuralPipelines.Data.Csv;
using NeuralPipelines.Data.Datasets;
using NeuralPipelines.Data.IO;

namespace NeuralPipelines.Onnx.Batch;

/// <summary>A CSV read row by row as model inputs: every column is a feature, in file order, except a column named
/// <c>label</c> (any case), which is carried through to the output beside the predictions.</summary>
/// <remarks>Feature columns are taken in file order, not by name, because an exported network's input is one vector
/// whose slots have no names (pixel 0 … pixel 783); the count must match the model's input exactly, so a CSV of the wrong
/// width is refused before anything is scored.</remarks>
public sealed class CsvRows : IRowSource
{
    private readonly CsvRowReader _reader;
    private readonly int _labelColumn;
    private readonly bool _image;
    private long _next;
    private bool _ended;

    /// <exception cref="InvalidDataException">The CSV's width does not match the model's input; names both.</exception>
    public CsvRows(string path, int[] inputShape, string model)
    {
        _reader = CsvRowReader.Open(path);
        try
        {
            var names = _reader.Header.ColumnNames;
            int length = inputShape.Aggregate(1, (a, b) => a * b);
            _labelColumn = Array.FindIndex(names, n => n.Equals("label", StringComparison.OrdinalIgnoreCase));
            int features = names.Length - (_labelColumn >= 0 ? 1 : 0);
            if (features != length)
                throw new InvalidDataException(
                    $"{path}: {features} feature column{(features == 1 ? "" : "s")}{(_labelColumn >= 0 ? " (plus 'label')" : "")}, but {model} takes {length} values per row " +
                    $"(shape [{string.Join(", ", inputShape)}]); give one column per input value, in order, and optionally a 'label' column.");
            // An image model's inputs are pixels (PixelBound); a tabular model's (a linear model's) features have no bound.
            _image = inputShape.Length >= 2;
        }
        catch
        {
            _reader.Dispose();
            throw;
        }
    }

    public string Source => _reader.Source;
    public string Kind => "csv";
    public bool HasItems => false;
    public bool HasLabels => _labelColumn >= 0;
    // A pipe (mkfifo in.csv; zcat big.csv.gz > in.csv) has no length or position to ask: its fraction is unknown, 0, until
    // its end.
    public double Fraction => _ended || _reader.KnowsLength && _reader.Length == 0 ? 1
        : _reader.KnowsLength ? Math.Min(1, (double)_reader.BytesRead / _reader.Length) : 0;

    public bool Fill(RowChunk chunk, Shard shard)
    {
        int from = chunk.Count;
        bool more = Gather(chunk, shard);
        Decode(chunk, from, chunk.Count - from);
        return more;
    }

    /// <summary>The most bytes of row text a chunk takes before it is handed on short of its rows: a run then holds a few
    /// chunks' text however long the lines. Why: rows parsed one at a time held one line; rows cut now and parsed later
    /// are held a chunk at a time, and a hostile CSV of long lines (a cell padded with a million zeros is one valid
    /// number) would otherwise hold a chunk's rows of them, several in flight. 16 MiB is six chunks' worth of MNIST rows
    /// (785 cells, about 2.7 KB a row, 512 rows a chunk).</summary>
    public const int TextBytesPerChunk = 16 << 20;

    /// <summary>Cuts the next rows of the shard into the chunk's <see cref="RowChunk.Text"/>, unparsed: a scan for line
    /// ends and a copy (<see cref="Decode"/> parses them, on any thread). Stops at the chunk's rows or at
    /// <see cref="TextBytesPerChunk"/> of text, whichever comes first.</summary>
    public bool Gather(RowChunk chunk, Shard shard)
    {
        var text = chunk.Text;
        while (chunk.Count < chunk.Capacity && text.Bytes < TextBytesPerChunk)
        {
            if (!_reader.ReadRow(out var bytes))
            {
                _ended = true;
                return false;
            }
            if (!shard.Contains(_next++)) continue;
            int row = chunk.Count++;
            // Text rows stand beside the chunk's rows: a chunk filled in part by another route has none to decode.
            while (text.Count < row) text.Add([], 0);
            text.Add(bytes, _reader.Line);
            chunk.Rows[row] = _next - 1;
        }
        return true;
    }

    // One row's cells per thread: decoding runs on every scoring thread at once.
    [ThreadStatic] private static double[]? _cells;

    /// <summary>Parses rows [start, start + count) from their text into the chunk's inputs and labels.</summary>
    /// <exception cref="CsvFormatException">A ragged row, a cell that is not a number or a pixel out of range; names the
    /// file, line and column, the first such row of the range.</exception>
    // Compiled optimised at the first call rather than after tiering: a run of np score is over in a second or so, most of it
    // before tier 1 would arrive, and tier-0 code runs several times slower than optimised code.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Decode(RowChunk chunk, int start, int count)
    {
        int columns = _reader.ColumnCount;
        var cells = _cells is { } c && c.Length >= columns ? c : _cells = new double[columns];
        var text = chunk.Text;
        for (int row = start; row < start + count; row++)
        {
            int line = text.Line(row);
            _reader.Parse(text.Row(row), line, cells);
            var input = chunk.Input(row);
            // The features are the cells before the label column and after it: two plain loops, no test per cell.
            int split = _labelColumn >= 0 ? _labelColumn : columns;
            Narrow(cells.AsSpan(0, split), input);
            if (split < columns) Narrow(cells.AsSpan(split + 1, columns - split - 1), input[split..]);
            if (_image && PixelBound.FirstOutside(input) is var bad and >= 0) throw NotAPixel(bad, input[bad], line);
            if (_labelColumn >= 0) chunk.Labels[row] = LabelTexts.Of(cells[_labelColumn]);
        }
    }

    /// <summary>Whether a row's cells are narrowed to floats with vector instructions (<see cref="TensorPrimitives"/>)
    /// rather than one cell at a time; the switch back to the old route. Same floats (the same IEEE narrowing, round to
    /// nearest even).</summary>
    /// <remarks>Why: the scalar loop costs about 1 ns a cell, 785 a row; the vector pass a small share of that. Its share
    /// of the gain is in the CSV rows of docs/BENCHMARKS.md, branch score3 (measured together with the comma parser and the
    /// pixel-bound check, which now runs whole vectors in <see cref="PixelBound.FirstOutside"/> for every reader).</remarks>
    public static bool VectorNarrowing { get; set; } = true;

    private static void Narrow(ReadOnlySpan<double> cells, Span<float> into)
    {
        if (VectorNarrowing)
        {
            TensorPrimitives.ConvertTruncating<double, float>(cells, into[..cells.Length]);
            return;
        }
        for (int i = 0; i < cells.Length; i++) into[i] = (float)cells[i];
    }

    private CsvFormatException NotAPixel(int feature, float value, int line)
    {
        int column = _labelColumn >= 0 && feature >= _labelColumn ? feature + 1 : feature;
        string name = _reader.Header.ColumnNames[column];
        return new CsvFormatException($"{Source}: line {line}, column {column + 1} '{Excerpt.Of(name)}' {PixelBound.Describe(value)}.",
            Source, line, $"{name} (column {column + 1})");
    }

    public void Dispose() => _reader.Dispose();
}
