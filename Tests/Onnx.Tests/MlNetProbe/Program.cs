using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;

// Usage: MlNetProbe MODEL.zip ROWS.f32 SCORES.txt [COLUMN]
// Loads an ML.NET model zip, scores the rows (little-endian float32, one feature vector after another) through the
// model's own input schema, and writes the output column (default "Score"; a generator's is "Image") as text, one row
// per line, round-trip precision.
if (args.Length is not (3 or 4))
{
    Console.Error.WriteLine("usage: MlNetProbe MODEL.zip ROWS.f32 SCORES.txt [COLUMN]");
    return 2;
}
string outputColumn = args.Length == 4 ? args[3] : "Score";
var ml = new MLContext(seed: 0);
var model = ml.Model.Load(args[0], out var schema);
var column = schema.First(c => c.Type is VectorDataViewType);
int width = ((VectorDataViewType)column.Type).Size;
var raw = File.ReadAllBytes(args[1]);
var flat = new float[raw.Length / 4];
Buffer.BlockCopy(raw, 0, flat, 0, raw.Length);
var rows = Enumerable.Range(0, flat.Length / width).Select(i => new ProbeRow { Values = flat[(i * width)..((i + 1) * width)] });
var definition = SchemaDefinition.Create(typeof(ProbeRow));
definition[0].ColumnName = column.Name;
definition[0].ColumnType = new VectorDataViewType(NumberDataViewType.Single, width);
var data = ml.Data.LoadFromEnumerable(rows, definition);
var scored = model.Transform(data);
using var writer = new StreamWriter(args[2]);
foreach (var score in scored.GetColumn<VBuffer<float>>(outputColumn))
    writer.WriteLine(string.Join(' ', score.DenseValues().Select(v => v.ToString("R", CultureInfo.InvariantCulture))));
return 0;

internal sealed class ProbeRow
{
    public float[] Values { get; set; } = [];
}
