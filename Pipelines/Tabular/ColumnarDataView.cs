using Microsoft.ML;
using Microsoft.ML.Data;

namespace NeuralPipelines.Pipelines.Tabular;

/// <summary>An in-memory <see cref="IDataView"/> over named columns of floats (features, regression labels) or booleans
/// (binary labels) or keys 1..k (multiclass labels), one column per CSV column.</summary>
/// <remarks>ML.NET's <c>LoadFromEnumerable</c> needs a C# class whose fields fix the columns at compile time; a CSV's
/// columns are only known when the file is read, so this view is built from the header instead. Keeping one scalar
/// column per CSV column (rather than a pre-built vector) lets a saved pipeline start with its own <c>Concatenate</c>:
/// the model then records the column names it expects, and <c>np score</c> can check a new CSV against them.</remarks>
public sealed class ColumnarDataView : IDataView
{
    private readonly Array[] _columns;
    private readonly int _rows;

    public ColumnarDataView(IReadOnlyList<DataColumn> columns)
    {
        var builder = new DataViewSchema.Builder();
        foreach (var (name, values, keyValues) in columns)
        {
            switch (values)
            {
                case float[]:
                    builder.AddColumn(name, NumberDataViewType.Single);
                    break;
                case bool[]:
                    builder.AddColumn(name, BooleanDataViewType.Instance);
                    break;
                case uint[] when keyValues is not null:
                    var annotations = new DataViewSchema.Annotations.Builder();
                    annotations.Add<VBuffer<float>>("KeyValues", new VectorDataViewType(NumberDataViewType.Single, keyValues.Length),
                        (ref VBuffer<float> v) => v = new VBuffer<float>(keyValues.Length, keyValues));
                    builder.AddColumn(name, new KeyDataViewType(typeof(uint), keyValues.Length), annotations.ToAnnotations());
                    break;
                default:
                    throw new ArgumentException($"Column '{name}': only float[], bool[] and uint[] keys (with key values) are supported, not {values.GetType().Name}.");
            }
        }
        Schema = builder.ToSchema();
        _columns = columns.Select(c => c.Values).ToArray();
        _rows = _columns.Length == 0 ? 0 : _columns[0].Length;
        if (_columns.Any(c => c.Length != _rows)) throw new ArgumentException("All columns must have the same number of rows.");
    }

    public bool CanShuffle => false;

    public DataViewSchema Schema { get; }

    public long? GetRowCount() => _rows;

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null) => new Cursor(this);

    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) => [new Cursor(this)];

    private sealed class Cursor(ColumnarDataView view) : DataViewRowCursor
    {
        private long _position = -1;

        public override DataViewSchema Schema => view.Schema;
        public override long Position => _position;
        public override long Batch => 0;

        public override bool MoveNext()
        {
            if (_position >= view._rows) return false;
            _position++;
            return _position < view._rows;
        }

        public override bool IsColumnActive(DataViewSchema.Column column) => true;

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
        {
            var values = view._columns[column.Index];
            if (values is not TValue[] typed)
                throw new InvalidOperationException($"Column '{column.Name}' holds {values.GetType().GetElementType()!.Name}, not {typeof(TValue).Name}.");
            return (ref TValue value) => value = typed[_position];
        }

        public override ValueGetter<DataViewRowId> GetIdGetter() => (ref DataViewRowId id) => id = new DataViewRowId((ulong)_position, 0);
    }
}
