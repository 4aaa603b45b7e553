using System.Globalization;
using System.Text;
using Microsoft.ML;
using Microsoft.ML.Data;
using NeuralPipelines.Data.Csv;
using NeuralPipelines.Data.IO;

namespace NeuralPipelines.Pipelines.Tabular;

/// <summary>Scores a CSV table with a loaded pipeline and writes the input columns plus the prediction columns as CSV.</summary>
/// <remarks>Every CSV column goes in as a float column under its own name, so a pipeline that starts with
/// <c>Concatenate</c> over named columns finds them whatever their order; a label column may be present or not.
/// The output gets each new scalar column (Score, Probability, PredictedLabel as 0/1 for a binary model, PredictedClass:
/// the class value) and each new vector column slot by slot (a multiclass Score becomes Score_0 … Score_k−1), in place of
/// any input column of the same name (a predictions file scored again). A score that is not finite is an error.</remarks>
public static class TabularScorer
{
    /// <summary>Scores and writes <paramref name="outputPath"/> atomically; returns the number of rows.</summary>
    public static int Score(ITransformer model, CsvTable table, string modelPath, string outputPath) =>
        Score(model, table, modelPath, write => AtomicFile.Write(outputPath, write));

    /// <summary>Scores and hands the CSV writing to <paramref name="output"/> (a file, stdout, a transaction).</summary>
    public static int Score(ITransformer model, CsvTable table, string modelPath, Action<Action<Stream>> output) =>
        Score(model, [table], modelPath, output);

    /// <summary>Scores a table that comes in blocks of rows (<see cref="CsvBlocks"/>), each written before the next is asked
    /// for, so a file of any length is scored in the memory of a block; the blocks share the first one's columns.</summary>
    /// <remarks>The first block is transformed before <paramref name="output"/> is called, so a CSV that does not fit the
    /// model is refused before anything is written.</remarks>
    public static int Score(ITransformer model, IEnumerable<CsvTable> blocks, string modelPath, Action<Action<Stream>> output)
    {
        using var walk = blocks.GetEnumerator();
        if (!walk.MoveNext()) throw new ArgumentException("A table to score needs at least one block (an empty one carries its columns).", nameof(blocks));
        var block = walk.Current;
        var input = View(block);
        try { model.GetOutputSchema(input.Schema); }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or FormatException)
        {
            throw new InvalidDataException($"{block.Source} does not fit the model {modelPath}: {e.Message.ReplaceLineEndings(" ")}", e);
        }
        var scored = model.Transform(input);
        // Columns by index: every block's transform has the first one's schema. The model's columns are those the input
        // has no column of that name for, or one it hides: a predictions file scored again has a Score of its own, which
        // the model's Score hides (ML.NET may put the two anywhere in the schema, so neither name nor place alone tells).
        var hidden = scored.Schema.Where(c => c.IsHidden).Select(c => c.Name).ToHashSet();
        var outputs = scored.Schema
            .Where(c => !c.IsHidden && (input.Schema.GetColumnOrNull(c.Name) is null || hidden.Contains(c.Name)) && c.Name != "Features")
            .Where(c => Writable(c.Type))
            .Select(c => c.Index)
            .ToArray();
        if (outputs.Length == 0) throw new InvalidDataException($"{modelPath}: the model adds no numeric prediction column to write.");

        var written = new List<string>();
        foreach (var column in outputs.Select(i => scored.Schema[i]))
        {
            var width = column.Type is VectorDataViewType v ? v.Size : 1;
            if (width == 1) written.Add(column.Name);
            else for (var k = 0; k < width; k++) written.Add($"{column.Name}_{k}");
        }
        // The input's own columns, less those the model writes anew (Score_0 … of a multiclass file included).
        var kept = Enumerable.Range(0, block.ColumnNames.Count).Where(i => !written.Contains(block.ColumnNames[i])).ToArray();
        var header = kept.Select(i => block.ColumnNames[i]).Concat(written).ToList();

        var rows = 0;
        var place = new RowPlace(block.Source, modelPath);
        output(stream =>
        {
            using var writer = new StreamWriter(stream, new UTF8Encoding(false), leaveOpen: true);
            writer.WriteLine(string.Join(',', header.Select(Quote)));
            while (true)
            {
                rows += WriteRows(writer, block, kept, scored, outputs, place);
                writer.Flush();
                if (!walk.MoveNext()) break;
                block = walk.Current;
                scored = model.Transform(View(block));
            }
        });
        return rows;
    }

    // Every CSV column as a float column under its own name.
    private static ColumnarDataView View(CsvTable table) =>
        new(table.ColumnNames.Select(n => new DataColumn(n, table.Column(n).Select(v => (float)v).ToArray())).ToArray());

    private static int WriteRows(StreamWriter writer, CsvTable table, int[] kept, IDataView scored, int[] outputs, RowPlace place)
    {
        var columns = outputs.Select(i => scored.Schema[i]).ToArray();
        using var cursor = scored.GetRowCursor(columns);
        var append = columns.Select(c => Writer(cursor, c, place)).ToArray();
        var inputs = kept.Select(i => table.Column(table.ColumnNames[i])).ToArray();
        var cells = new List<string>();
        var row = 0;
        while (cursor.MoveNext())
        {
            cells.Clear();
            foreach (var values in inputs) cells.Add(Format(values[row]));
            foreach (var a in append) a(cells);
            writer.WriteLine(string.Join(',', cells));
            row++;
            place.Row++;
        }
        return row;
    }

    /// <summary>The row being written, to name it when its score is not finite: a row near float32's limits (3e38) can make
    /// a finite model answer ±∞ or NaN, which written out reads as a prediction (a NaN probability still picks a class).
    /// The ONNX route refuses them the same way (<see cref="NeuralPipelines.Onnx.Integrity.FiniteScores"/>).</summary>
    private sealed class RowPlace(string data, string model)
    {
        public long Row;

        public T Finite<T>(T value, string column) where T : System.Numerics.IFloatingPointIeee754<T> =>
            T.IsFinite(value) ? value : throw new InvalidDataException(
                $"{data}: row {Row:N0}: {model} answers {(T.IsNaN(value) ? "NaN" : T.IsPositive(value) ? "+∞" : "-∞")} for {column} " +
                "(its arithmetic overflowed; are the inputs on the scale the model was trained on?).");
    }

    private static bool Writable(DataViewType type) => type switch
    {
        VectorDataViewType v => v.Size > 0 && (v.ItemType == NumberDataViewType.Single || v.ItemType == NumberDataViewType.Double),
        _ => type == NumberDataViewType.Single || type == NumberDataViewType.Double || type == BooleanDataViewType.Instance,
    };

    private static Action<List<string>> Writer(DataViewRowCursor cursor, DataViewSchema.Column column, RowPlace place)
    {
        switch (column.Type)
        {
            case VectorDataViewType v when v.ItemType == NumberDataViewType.Single:
            {
                var get = cursor.GetGetter<VBuffer<float>>(column);
                VBuffer<float> value = default;
                return cells => { get(ref value); foreach (var x in value.DenseValues()) cells.Add(Format(place.Finite(x, column.Name))); };
            }
            case VectorDataViewType:
            {
                var get = cursor.GetGetter<VBuffer<double>>(column);
                VBuffer<double> value = default;
                return cells => { get(ref value); foreach (var x in value.DenseValues()) cells.Add(Format(place.Finite(x, column.Name))); };
            }
            case var t when t == NumberDataViewType.Single:
            {
                var get = cursor.GetGetter<float>(column);
                float value = 0;
                return cells => { get(ref value); cells.Add(Format(place.Finite(value, column.Name))); };
            }
            case var t when t == NumberDataViewType.Double:
            {
                var get = cursor.GetGetter<double>(column);
                double value = 0;
                return cells => { get(ref value); cells.Add(Format(place.Finite(value, column.Name))); };
            }
            default:
            {
                var get = cursor.GetGetter<bool>(column);
                var value = false;
                return cells => { get(ref value); cells.Add(value ? "1" : "0"); };
            }
        }
    }

    private static string Format(double v) => v.ToString("R", CultureInfo.InvariantCulture);
    private static string Format(float v) => v.ToString("R", CultureInfo.InvariantCulture);

    private static string Quote(string name) => name.Contains(',') || name.Contains('"') ? $"\"{name.Replace("\"", "\"\"")}\"" : name;
}
