using System.Reflection;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace NeuralPipelines.Onnx.Scoring;

/// <summary>The columns of an input or output class as ML.NET sees them: public fields and properties, named by
/// <see cref="ColumnNameAttribute"/> or by the member, minus those marked <see cref="NoColumnAttribute"/>.</summary>
internal static class TypedColumns
{
    public static IReadOnlyDictionary<string, MemberInfo> Of(Type type)
    {
        var members = type.GetFields(BindingFlags.Public | BindingFlags.Instance).Cast<MemberInfo>()
            .Concat(type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.GetIndexParameters().Length == 0))
            .Where(m => m.GetCustomAttribute<NoColumnAttribute>() is null);
        return members.ToDictionary(m => ColumnName(m) ?? m.Name, StringComparer.Ordinal);
    }

    // ColumnNameAttribute keeps its name internal; the name is the attribute's one constructor argument.
    private static string? ColumnName(MemberInfo member) =>
        member.GetCustomAttributesData().FirstOrDefault(a => a.AttributeType == typeof(ColumnNameAttribute))?.ConstructorArguments[0].Value as string;

    public static Type TypeOf(MemberInfo member) => member switch
    {
        FieldInfo f => f.FieldType,
        PropertyInfo p => p.PropertyType,
        _ => throw new ArgumentException($"{member.Name} is neither a field nor a property."),
    };

    public static object? Get(MemberInfo member, object target) => member is FieldInfo f ? f.GetValue(target) : ((PropertyInfo)member).GetValue(target);

    /// <summary>Example <paramref name="index"/>'s vector in <paramref name="member"/>, refused by name when it has none or
    /// one of another length than the <paramref name="size"/> values <paramref name="source"/> reads per example (the
    /// scorers' own refusals come from deep inside ONNX Runtime or ML.NET and name neither the model nor the column).</summary>
    /// <exception cref="ArgumentException">No vector, or one of another length.</exception>
    public static Array Vector(MemberInfo member, object example, int index, int size, string column, string source)
    {
        if (Get(member, example) is not Array vector)
            throw new ArgumentException($"{source}: example {index} has no {column} vector.");
        if (vector.Length != size)
            throw new ArgumentException($"{source} reads {size} values per example but example {index} has {vector.Length} in {column}.");
        return vector;
    }

    public static void Set(MemberInfo member, object target, object? value)
    {
        if (member is FieldInfo f) f.SetValue(target, value);
        else ((PropertyInfo)member).SetValue(target, value);
    }

    /// <summary>ML.NET's reading of <typeparamref name="T"/>, with each vector column sized as in <paramref name="schema"/>
    /// (a float[] without [VectorType] would otherwise be a vector of unknown size, which an ONNX model refuses).</summary>
    public static SchemaDefinition Sized<T>(DataViewSchema schema)
    {
        var definition = SchemaDefinition.Create(typeof(T), SchemaDefinition.Direction.Read);
        foreach (var column in definition)
            if (schema.GetColumnOrNull(column.ColumnName) is { Type: VectorDataViewType { Size: > 0 } sized })
                column.ColumnType = sized;
        return definition;
    }
}
