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
    private readonly double[] _cells;
    private readonly int _labelColumn;
    private readonly bool _image;
    private long _next;

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
            _cells = new double[names.Length];
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
    public double Fraction => _reader.Length == 0 ? 1 : Math.Min(1, (double)_reader.BytesRead / _reader.Length);

    // Compiled optimised at the first call rather than after tiering: a run of np score is over in a second or so, most of it
    // before tier 1 would arrive, and tier-0 code runs several times slower than optimised code.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public bool Fill(RowChunk chunk, Shard shard)
    {
        while (chunk.Count < chunk.Capacity)
        {
            if (!shard.Contains(_next))
            {
                if (!_reader.Skip()) return false;
                _next++;
                continue;
            }
            if (!_reader.Read(_cells)) return false;
            int row = chunk.Count++;
            var input = chunk.Input(row);
            // The features are the cells before the label column and after it: two plain loops, no test per cell.
            int split = _labelColumn >= 0 ? _labelColumn : _cells.Length;
            Narrow(_cells.AsSpan(0, split), input);
            if (split < _cells.Length) Narrow(_cells.AsSpan(split + 1), input[split..]);
            if (_image && PixelBound.FirstOutside(input) is var bad and >= 0) throw NotAPixel(bad, input[bad]);
            if (_labelColumn >= 0) chunk.Labels[row] = LabelTexts.Of(_cells[_labelColumn]);
            chunk.Rows[row] = _next++;
        }
        return true;
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

    private CsvFormatException NotAPixel(int feature, float value)
    {
        int column = _labelColumn >= 0 && feature >= _labelColumn ? feature + 1 : feature;
        string name = _reader.Header.ColumnNames[column];
        return new CsvFormatException($"{Source}: line {_reader.Line}, column {column + 1} '{Excerpt.Of(name)}' {PixelBound.Describe(value)}.",
            Source, _reader.Line, $"{name} (column {column + 1})");
    }

    public void Dispose() => _reader.Dispose();
}
