using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms.Image;

// Usage: MlNetProbe MODEL.zip ROWS.f32 SCORES.txt [COLUMN]
//        MlNetProbe MODEL.zip --slot-names NAMES.txt [COLUMN]
//        MlNetProbe MODEL.zip IMAGES.txt PIXELS.txt COLUMN INPUT_COLUMN
// Loads an ML.NET model zip, scores the rows (little-endian float32, one feature vector after another) through the
// model's own input schema, and writes the output column (default "Score"; a generator's is "Image") as text, one row
// per line, round-trip precision. Given a .txt list of image files instead (one path a line), it loads them into the
// image column INPUT_COLUMN and writes each output image as "WIDTH HEIGHT FORMAT" and its pixel bytes, one per line.
// With --slot-names it writes the slot names of the output column (default "Score") as the loaded model declares them,
// one per line, or nothing when it has none.
// (A saved zip's input schema keeps only the columns ML.NET can serialize, and an image column is not one of them, so
// the app names the column it feeds, as any app knows its own data.)
if (args.Length is not (3 or 4 or 5))
{
    Console.Error.WriteLine("usage: MlNetProbe MODEL.zip ROWS.f32|IMAGES.txt SCORES.txt [COLUMN [INPUT_COLUMN]]");
    return 2;
}
string outputColumn = args.Length >= 4 ? args[3] : "Score";
var ml = new MLContext(seed: 0);
var model = ml.Model.Load(args[0], out var schema);
if (args[1] == "--slot-names") return WriteSlotNames(model.GetOutputSchema(schema), args[2], outputColumn);
if (args.Length == 5) return ScoreImages(ml, model, args[1], args[2], outputColumn, args[4]);
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

static int WriteSlotNames(DataViewSchema output, string path, string column)
{
    var names = new List<string>();
    if (output[column].HasSlotNames())
    {
        VBuffer<ReadOnlyMemory<char>> slots = default;
        output[column].GetSlotNames(ref slots);
        names.AddRange(slots.DenseValues().Select(n => n.ToString()));
    }
    File.WriteAllLines(path, names);
    return 0;
}

static int ScoreImages(MLContext ml, ITransformer model, string list, string output, string outputColumn, string inputColumn)
{
    // The image column filled the way an ML.NET app fills one: file paths through LoadImages.
    var paths = ml.Data.LoadFromEnumerable(File.ReadAllLines(list).Where(l => l.Length > 0).Select(p => new ImagePath { Path = p }).ToArray());
    var images = ml.Transforms.LoadImages(inputColumn, imageFolder: null, nameof(ImagePath.Path)).Fit(paths).Transform(paths);
    var scored = model.Transform(images);
    using var writer = new StreamWriter(output);
    foreach (var image in scored.GetColumn<MLImage>(outputColumn))
        writer.WriteLine($"{image.Width} {image.Height} {image.PixelFormat} {string.Join(' ', image.Pixels.ToArray())}");
    return 0;
}

internal sealed class ImagePath
{
    public string Path { get; set; } = "";
}

internal sealed class ProbeRow
{
    public float[] Values { get; set; } = [];
}
